import { BinaryCopyRows, type BinaryCopyRow } from './binary-copy-rows';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

type Field = { readonly text: string | null } | { readonly int8: bigint } | { readonly int4: number };

/** A binary COPY stream as PostgreSQL writes it (header, rows, trailer). */
function copyStream(rows: readonly (readonly Field[])[], { flags = 0, extension = Buffer.alloc(0) } = {}): Buffer {
  const parts: Buffer[] = [SIGNATURE, int32(flags), int32(extension.length), extension];
  for (const row of rows) {
    parts.push(int16(row.length));
    for (const field of row) {
      if ('text' in field) {
        if (field.text === null) parts.push(int32(-1));
        else parts.push(int32(Buffer.byteLength(field.text)), Buffer.from(field.text));
      } else if ('int8' in field) {
        const value = Buffer.alloc(8);
        value.writeBigInt64BE(field.int8);
        parts.push(int32(8), value);
      } else {
        parts.push(int32(4), int32(field.int4));
      }
    }
  }
  parts.push(int16(-1));
  return Buffer.concat(parts);
}

const int16 = (value: number) => {
  const bytes = Buffer.alloc(2);
  bytes.writeInt16BE(value);
  return bytes;
};
const int32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
};

const ROWS: Field[][] = [
  [{ text: 'r-1' }, { int8: 1n }, { text: '{"body":"ünïcödé €"}' }, { text: null }],
  [{ text: '' }, { int8: 1_795_518_971_290n }, { text: 'x'.repeat(300) }, { text: 'subject' }],
  [{ text: 'r-3' }, { int8: -5n }, { text: '{}' }, { text: null }],
  [{ text: 'r-4' }, { int8: 2n ** 53n - 1n }, { text: '"' }, { text: '🙂' }],
];

/** What a consumer decodes from each row, copied out before the row's memory is reused. */
function decoded(row: BinaryCopyRow) {
  const text = (byteString: string | null) => (byteString === null ? null : Buffer.from(byteString, 'latin1').toString());
  return { id: text(row.byteText(0)), number: row.int8(1), body: text(row.byteText(2)), bodyBytes: Buffer.from(row.raw(2)), subject: text(row.nullableByteText(3)) };
}

const EXPECTED = ROWS.map((row) => ({
  id: (row[0] as { text: string }).text,
  number: Number((row[1] as { int8: bigint }).int8),
  body: (row[2] as { text: string }).text,
  bodyBytes: Buffer.from((row[2] as { text: string }).text),
  subject: (row[3] as { text: string | null }).text,
}));

/** Feeds `stream` in the given chunks, each in memory that is overwritten once pushed (as pg reuses its buffer). */
function readInChunks(stream: Buffer, cuts: readonly number[]): ReturnType<typeof decoded>[] {
  const out: ReturnType<typeof decoded>[] = [];
  const rows = new BinaryCopyRows(4, (row) => out.push(decoded(row)));
  const bounds = [0, ...cuts, stream.length];
  for (let i = 1; i < bounds.length; i++) {
    const chunk = Buffer.from(stream.subarray(bounds[i - 1], bounds[i]));
    rows.push(chunk);
    chunk.fill(0xee);
  }
  rows.finish();
  return out;
}

describe('BinaryCopyRows', () => {
  const stream = copyStream(ROWS);

  it('reads every row of a stream delivered whole', () => {
    expect(readInChunks(stream, [])).toEqual(EXPECTED);
  });

  it('reads the same rows whatever byte the stream is split at, keeping no memory of a chunk it was handed', () => {
    for (let cut = 1; cut < stream.length; cut++) expect(readInChunks(stream, [cut])).toEqual(EXPECTED);
  });

  it('reads the same rows delivered one byte at a time', () => {
    expect(readInChunks(stream, Array.from({ length: stream.length - 1 }, (_, i) => i + 1))).toEqual(EXPECTED);
  });

  it('skips a header extension', () => {
    expect(readInChunks(copyStream(ROWS, { extension: Buffer.from('future') }), [20])).toEqual(EXPECTED);
  });

  it('ignores flags a reader may ignore, and refuses rows with OIDs or unknown critical flags', () => {
    expect(readInChunks(copyStream(ROWS, { flags: 1 << 20 }), [])).toEqual(EXPECTED);
    expect(() => readInChunks(copyStream(ROWS, { flags: 1 << 16 }), [])).toThrow('flags');
    expect(() => readInChunks(copyStream(ROWS, { flags: 1 }), [])).toThrow('flags');
  });

  it('refuses a stream without the binary COPY signature', () => {
    const text = Buffer.from(stream);
    text.write('PGCOPX', 0, 'latin1');
    expect(() => readInChunks(text, [])).toThrow('not a binary COPY stream');
  });

  it('refuses a stream cut before its trailer, also in the middle of a row', () => {
    expect(() => readInChunks(stream.subarray(0, stream.length - 2), [])).toThrow('ended before its trailer');
    expect(() => readInChunks(stream.subarray(0, stream.length - 10), [])).toThrow('ended before its trailer');
  });

  it('refuses data after the trailer', () => {
    expect(() => readInChunks(Buffer.concat([stream, int16(4)]), [])).toThrow('after its trailer');
  });

  it('refuses a row with another number of fields', () => {
    const rows = new BinaryCopyRows(5, () => undefined);
    expect(() => rows.push(stream)).toThrow('row of 4 fields, expected 5');
  });

  it('refuses to read an integer of another width as a bigint, and NULL as text', () => {
    const rows = new BinaryCopyRows(4, (row) => {
      expect(() => row.int8(1)).toThrow('not a bigint (4 bytes)');
      expect(() => row.byteText(3)).toThrow('NULL');
      expect(() => row.raw(3)).toThrow('NULL');
      expect(row.isNull(3)).toBe(true);
    });
    rows.push(copyStream([[{ text: 'a' }, { int4: 7 }, { text: 'b' }, { text: null }]]));
    expect(() => rows.finish()).not.toThrow();
    expect.assertions(5);
  });
});

describe('BinaryCopyRow.int8', () => {
  it.each([0n, 1n, -1n, 255n, 256n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, -(2n ** 31n), -(2n ** 32n), 1_795_518_971_290n, 2n ** 53n - 1n, -(2n ** 53n) + 1n, 2n ** 63n - 1n, -(2n ** 63n)])(
    'reads %p as Number() reads it in text',
    (value) => {
      let read: number | undefined;
      const rows = new BinaryCopyRows(1, (row) => (read = row.int8(0)));
      rows.push(copyStream([[{ int8: value }]]));
      expect(read).toBe(Number(value.toString()));
    },
  );
});
