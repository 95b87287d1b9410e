import { createHash } from 'node:crypto';
import { SnapshotCorruptError, SnapshotIncompatibleError } from '@kairos/profile';

/**
 * A partition snapshot row holds the profile snapshot and, when partition state extensions are registered (trigger
 * engines, durable timers), their blobs — in one row at one offset, so they are written and restored atomically.
 *
 *   0 magic "KPSX"   4 envelope format u16   6 reserved u16   8 SHA-256 over bytes 40.. (32 bytes)
 *   40 u32 profile length, profile snapshot bytes ("KPSN..."), u32 blob count, per blob: u16 name length, name
 *   (utf-8), u32 length, bytes
 *
 * A row that starts with the profile magic "KPSN" is a snapshot written before extensions existed (or by a worker
 * without any): it restores with no extension blobs, so every extension starts fresh.
 */
export const SNAPSHOT_ENVELOPE_FORMAT = 1;
const MAGIC = Buffer.from('KPSX', 'latin1');
const HASHED_FROM = 40;

export interface PartitionSnapshotParts {
  readonly profile: Uint8Array;
  readonly extensions: ReadonlyMap<string, Uint8Array>;
}

export function encodePartitionSnapshot(profile: Uint8Array, extensions: ReadonlyMap<string, Uint8Array>): Uint8Array {
  if (extensions.size === 0) return profile;
  const names = [...extensions.keys()].sort();
  let size = HASHED_FROM + 4 + profile.length + 4;
  for (const name of names) size += 2 + Buffer.byteLength(name, 'utf8') + 4 + (extensions.get(name) as Uint8Array).length;
  const out = Buffer.alloc(size);
  MAGIC.copy(out, 0);
  out.writeUInt16LE(SNAPSHOT_ENVELOPE_FORMAT, 4);
  let at = HASHED_FROM;
  at = out.writeUInt32LE(profile.length, at);
  out.set(profile, at);
  at = out.writeUInt32LE(names.length, at + profile.length);
  for (const name of names) {
    const blob = extensions.get(name) as Uint8Array;
    at = out.writeUInt16LE(Buffer.byteLength(name, 'utf8'), at);
    at += out.write(name, at, 'utf8');
    at = out.writeUInt32LE(blob.length, at);
    out.set(blob, at);
    at += blob.length;
  }
  createHash('sha256').update(out.subarray(HASHED_FROM)).digest().copy(out, 8);
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** Splits a snapshot row; SnapshotCorruptError when the envelope is damaged, Incompatible for an unknown format. */
export function decodePartitionSnapshot(bytes: Uint8Array): PartitionSnapshotParts {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 4 || !buffer.subarray(0, 4).equals(MAGIC)) return { profile: bytes, extensions: new Map() };
  if (buffer.length < HASHED_FROM + 8) throw new SnapshotCorruptError('snapshot envelope shorter than its header');
  const format = buffer.readUInt16LE(4);
  if (format !== SNAPSHOT_ENVELOPE_FORMAT) throw new SnapshotIncompatibleError(`snapshot envelope format ${format} is not supported`);
  if (!createHash('sha256').update(buffer.subarray(HASHED_FROM)).digest().equals(buffer.subarray(8, HASHED_FROM))) {
    throw new SnapshotCorruptError('snapshot envelope checksum mismatch');
  }
  try {
    let at = HASHED_FROM;
    const profileLength = buffer.readUInt32LE(at);
    const profile = slice(buffer, at + 4, profileLength);
    at += 4 + profileLength;
    const count = buffer.readUInt32LE(at);
    at += 4;
    const extensions = new Map<string, Uint8Array>();
    for (let i = 0; i < count; i++) {
      const nameLength = buffer.readUInt16LE(at);
      const name = slice(buffer, at + 2, nameLength).toString('utf8');
      at += 2 + nameLength;
      const length = buffer.readUInt32LE(at);
      extensions.set(name, new Uint8Array(slice(buffer, at + 4, length)));
      at += 4 + length;
    }
    if (at !== buffer.length) throw new RangeError('bytes after the last blob');
    return { profile: new Uint8Array(profile), extensions };
  } catch (error) {
    // The checksum matched: a writer bug or a forged row; either way it must not become a state.
    if (error instanceof RangeError) throw new SnapshotCorruptError(`snapshot envelope malformed (${error.message})`);
    throw error;
  }
}

function slice(buffer: Buffer, from: number, length: number): Buffer {
  if (from + length > buffer.length) throw new RangeError('blob runs past the end');
  return buffer.subarray(from, from + length);
}
