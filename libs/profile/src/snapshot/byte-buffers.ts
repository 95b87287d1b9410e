/** Little-endian binary writer over a growing buffer. */
export class ByteWriter {
  private bytes: Buffer;
  private view: DataView;
  length = 0;

  constructor(initialBytes = 1 << 16) {
    this.bytes = Buffer.alloc(initialBytes);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  u8(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  u16(value: number): void {
    if (value > 0xffff || value < 0) throw new RangeError('value does not fit 16 bits');
    this.reserve(2);
    this.view.setUint16(this.length, value, true);
    this.length += 2;
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  i32(value: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, value, true);
    this.length += 4;
  }

  f64(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** UTF-8 with a u16 length; `null` is written as length 0xffff. */
  string(value: string | null): void {
    if (value === null) {
      this.u16(0xffff);
      return;
    }
    this.reserve(2 + value.length * 3);
    const written = this.bytes.write(value, this.length + 2, 'utf8');
    if (written >= 0xffff) throw new RangeError('string too long for a snapshot');
    this.view.setUint16(this.length, written, true);
    this.length += 2 + written;
  }

  result(): Uint8Array {
    return new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = Buffer.alloc(capacity);
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }
}

/** Thrown by `ByteReader` on a read past the end; the codec turns it into `SnapshotCorruptError`. */
export class ByteUnderflowError extends Error {}

export class ByteReader {
  private readonly view: DataView;
  private readonly bytes: Buffer;
  position = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.position;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.position++];
  }

  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.position, true);
    this.position += 2;
    return value;
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.position, true);
    this.position += 4;
    return value;
  }

  i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.position, true);
    this.position += 4;
    return value;
  }

  f64(): number {
    this.need(8);
    const value = this.view.getFloat64(this.position, true);
    this.position += 8;
    return value;
  }

  raw(length: number): Uint8Array {
    this.need(length);
    const out = this.bytes.subarray(this.position, this.position + length);
    this.position += length;
    return out;
  }

  string(): string | null {
    const length = this.u16();
    if (length === 0xffff) return null;
    this.need(length);
    const value = this.bytes.toString('utf8', this.position, this.position + length);
    this.position += length;
    return value;
  }

  private need(length: number): void {
    if (this.position + length > this.bytes.length) throw new ByteUnderflowError('read past the end');
  }
}
