/** What every `COPY … (FORMAT binary)` stream starts with (PostgreSQL's "binary COPY file format"). */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature, 32-bit flags, 32-bit length of the header extension that follows. */
const FIXED_HEADER_BYTES = SIGNATURE.length + 8;
/** The field count that ends the stream instead of a row. */
const TRAILER = -1;

/**
 * One row of a binary COPY stream, read in place: fields are decoded only when asked for. The object and its bytes
 * are reused for the next row (pg also reuses the memory of the chunks it hands over), so nothing of a row may be kept
 * beyond the callback that received it except the values decoded from it.
 */
export class BinaryCopyRow {
  bytes: Buffer = Buffer.alloc(0);
  /** Offset of each field's value in `bytes`. */
  readonly starts: Int32Array;
  /** Byte length of each field's value, -1 for NULL. */
  readonly lengths: Int32Array;
  /** Where the row's fields start and end in `bytes`. */
  start = 0;
  end = 0;
  /** The row's bytes as a byte string, once a field was asked for as one. */
  private byteString: string | undefined;

  constructor(readonly fieldCount: number) {
    this.starts = new Int32Array(fieldCount);
    this.lengths = new Int32Array(fieldCount);
  }

  /** Points the row at its next bytes (BinaryCopyRows does, before each callback). */
  moveTo(bytes: Buffer, start: number, end: number): void {
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.byteString = undefined;
  }

  isNull(field: number): boolean {
    return this.lengths[field] < 0;
  }

  /**
   * A text field as a byte string: one character per byte (latin1), not decoded from UTF-8. Two byte strings are equal
   * exactly when the bytes are, and an ASCII character is found in one exactly where it is in the bytes (UTF-8 never
   * uses an ASCII byte inside a multi-byte character): what a comparison of stored values needs, without decoding. The
   * row is turned into one string on the first request and its fields are cut from it, instead of one decoding call
   * per field.
   */
  byteText(field: number): string {
    const length = this.lengths[field];
    if (length < 0) throw new Error(`binary COPY field ${field} is NULL`);
    this.byteString ??= this.bytes.toString('latin1', this.start, this.end);
    const from = this.starts[field] - this.start;
    return this.byteString.substring(from, from + length);
  }

  nullableByteText(field: number): string | null {
    return this.lengths[field] < 0 ? null : this.byteText(field);
  }

  /**
   * A bigint field as a number: exact below 2^53 and otherwise rounded once to the nearest number, as Number() rounds
   * the same integer printed in text.
   */
  int8(field: number): number {
    if (this.lengths[field] !== 8) throw new Error(`binary COPY field ${field} is not a bigint (${this.lengths[field]} bytes)`);
    // Assembled from the bytes (BinaryCopyRows checked they are all there): Buffer's readInt32BE checks its offset on
    // every call, which measured a twentieth of the thread's time for the four integers of an audit record.
    const b = this.bytes;
    const at = this.starts[field];
    const high = (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
    const low = ((b[at + 4] << 24) | (b[at + 5] << 16) | (b[at + 6] << 8) | b[at + 7]) >>> 0;
    return high * 0x1_0000_0000 + low;
  }

  /** The field's bytes as a view of the row's memory: valid only until the callback returns. */
  raw(field: number): Buffer {
    const length = this.lengths[field];
    if (length < 0) throw new Error(`binary COPY field ${field} is NULL`);
    const start = this.starts[field];
    return this.bytes.subarray(start, start + length);
  }
}

/**
 * Splits the output of `COPY … TO STDOUT (FORMAT binary)` into rows of `fieldCount` fields, whatever the framing of
 * the chunks it arrives in (PostgreSQL sends a row per CopyData message, the header with the first one, but nothing
 * here relies on that): a row split across chunks is kept until its last byte arrives. Malformed input throws.
 */
export class BinaryCopyRows {
  private readonly row: BinaryCopyRow;
  /** The start of a row (or of the header) whose end has not arrived yet: a copy, pg reuses chunk memory. */
  private pending: Buffer | undefined;
  private headerRead = false;
  private trailerRead = false;

  constructor(
    fieldCount: number,
    private readonly onRow: (row: BinaryCopyRow) => void,
  ) {
    this.row = new BinaryCopyRow(fieldCount);
  }

  /** Takes the next chunk of the stream, handing over every row it completes. */
  push(chunk: Buffer): void {
    const bytes = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = undefined;
    let at = 0;
    if (!this.headerRead) {
      at = headerEnd(bytes);
      if (at < 0) return this.keep(bytes, 0);
      this.headerRead = true;
    }
    while (at < bytes.length) {
      if (this.trailerRead) throw new Error('binary COPY data after its trailer');
      if (at + 2 > bytes.length) break;
      const fieldCount = bytes.readInt16BE(at);
      if (fieldCount === TRAILER) {
        this.trailerRead = true;
        at += 2;
        continue;
      }
      if (fieldCount !== this.row.fieldCount) throw new Error(`binary COPY row of ${fieldCount} fields, expected ${this.row.fieldCount}`);
      const end = this.locateFields(bytes, at + 2);
      if (end < 0) break;
      this.row.moveTo(bytes, at + 2, end);
      this.onRow(this.row);
      at = end;
    }
    if (at < bytes.length) this.keep(bytes, at);
  }

  /** Throws unless the stream ended after its trailer. */
  finish(): void {
    if (!this.trailerRead || this.pending !== undefined) throw new Error('binary COPY stream ended before its trailer');
  }

  /** Fills the row's field offsets from `at`; the offset after the row, or -1 when it is not complete in `bytes`. */
  private locateFields(bytes: Buffer, at: number): number {
    const { starts, lengths, fieldCount } = this.row;
    for (let field = 0; field < fieldCount; field++) {
      if (at + 4 > bytes.length) return -1;
      const length = bytes.readInt32BE(at);
      if (length < -1) throw new Error(`binary COPY field of length ${length}`);
      at += 4;
      starts[field] = at;
      lengths[field] = length;
      if (length > 0) at += length;
    }
    return at <= bytes.length ? at : -1;
  }

  private keep(bytes: Buffer, from: number): void {
    this.pending = Buffer.from(bytes.subarray(from));
  }
}

/** The offset after the header, or -1 when it is not complete in `bytes`. */
function headerEnd(bytes: Buffer): number {
  if (bytes.length < FIXED_HEADER_BYTES) return -1;
  if (!bytes.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
  // Bit 16 says the rows carry OIDs, which no query here asks for; bits 0–15 are reserved for flags a reader must not
  // ignore, bits 17–31 for flags it may.
  if ((bytes.readUInt32BE(SIGNATURE.length) & 0x1_ffff) !== 0) throw new Error('binary COPY stream with flags this reader does not know');
  const end = FIXED_HEADER_BYTES + bytes.readUInt32BE(SIGNATURE.length + 4);
  return end <= bytes.length ? end : -1;
}
