import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { KairosError } from '@kairos/contracts';
import type { FeatureRegistry } from '../features/feature-registry';
import { PartitionProfileStore, StoreSizes } from '../store/partition-profile-store';
import { ByteReader, ByteUnderflowError, ByteWriter } from './byte-buffers';
import { InvalidRecordError, readCustomer, readStrings, writeCustomer, writeStrings } from './profile-record-codec';
import { SnapshotCorruptError, SnapshotIncompatibleError } from './snapshot.errors';

/**
 * Snapshot layout. The 44-byte header is frozen across format versions so any version can be verified first:
 *
 *   0  magic "KPSN"      4  format version u16   6  flags u16 (bit 0: payload deflated)
 *   8  payload length u32                          12 SHA-256 over bytes 0..11 and the payload (32 bytes)
 *   44 payload: partition, lastAppliedOffset, registry fingerprint, table sizes, string table, customers
 *
 * The checksum is verified before anything else is interpreted, so a flipped bit or a cut file is reported as
 * `SnapshotCorruptError` and never decoded into a state.
 */
/**
 * 2: consent cells and objection offsets in the rows (consent events were ignored before, so a version-1 snapshot
 * lacks state the log holds: it is refused as incompatible and the worker replays the log instead).
 */
export const SNAPSHOT_FORMAT_VERSION = 2;
const MAGIC = [0x4b, 0x50, 0x53, 0x4e];
const HEADER_BYTES = 44;
const HASHED_HEADER_BYTES = 12;
const FLAG_DEFLATE = 1;

export interface SnapshotEncodeOptions {
  /** Deflate the payload: smaller, slower to write and read (see docs/benchmarks.md for the trade). */
  readonly compress?: boolean;
}

export interface SnapshotHeader {
  readonly formatVersion: number;
  readonly compressed: boolean;
  readonly partition: number;
  readonly lastAppliedOffset: number;
  readonly registryFingerprint: string;
  readonly customers: number;
  /** Table sizes, so a restore allocates exactly. */
  readonly sizes: StoreSizes;
}

const SIZE_KEYS = ['customers', 'customerIdBytes', 'products', 'productIdBytes', 'cards', 'cardIdBytes'] as const;
/** Bound on any table a snapshot may ask a restore to allocate (a sanity check; the checksum already passed). */
const MAX_ROWS = 2 ** 31 - 1;

export function encodeSnapshot(store: PartitionProfileStore, options: SnapshotEncodeOptions = {}): Uint8Array {
  const writer = startPayload(store);
  for (let slot = 0; slot < store.size; slot++) writeCustomer(writer, store, slot);
  return seal(writer, options);
}

/**
 * `encodeSnapshot` in slices of `sliceCustomers`, yielding to the event loop between them so decisions keep being
 * served while a large partition is written (about 3 µs per customer). The caller must not apply events until the
 * promise settles: the snapshot is of the state at the call, and reads in between see exactly that state.
 */
export async function encodeSnapshotAsync(store: PartitionProfileStore, options: SnapshotEncodeOptions & { readonly sliceCustomers?: number } = {}): Promise<Uint8Array> {
  const slice = options.sliceCustomers ?? 20_000;
  const offset = store.lastAppliedOffset;
  const writer = startPayload(store);
  for (let slot = 0; slot < store.size; slot++) {
    writeCustomer(writer, store, slot);
    if ((slot + 1) % slice === 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (store.lastAppliedOffset !== offset) throw new KairosError('INTERNAL', 'events were applied while a snapshot was being written');
    }
  }
  return seal(writer, options);
}

function startPayload(store: PartitionProfileStore): ByteWriter {
  const writer = new ByteWriter(1 << 20);
  writer.u32(store.partition);
  writer.f64(store.lastAppliedOffset);
  writer.raw(Buffer.from(store.registry.fingerprint, 'hex'));
  const sizes = store.sizes();
  for (const key of SIZE_KEYS) writer.f64(sizes[key]);
  writeStrings(writer, store);
  writer.u32(store.size);
  return writer;
}

function seal(writer: ByteWriter, options: SnapshotEncodeOptions): Uint8Array {
  const payload = options.compress ? deflateRawSync(writer.result()) : writer.result();
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint16(4, SNAPSHOT_FORMAT_VERSION, true);
  view.setUint16(6, options.compress ? FLAG_DEFLATE : 0, true);
  view.setUint32(8, payload.length, true);
  out.set(payload, HEADER_BYTES);
  out.set(checksum(out), HASHED_HEADER_BYTES);
  return out;
}

/** Verifies and decodes a snapshot into a new store bound to `registry`. */
export function decodeSnapshot(bytes: Uint8Array, registry: FeatureRegistry): PartitionProfileStore {
  const { reader, header } = openPayload(bytes);
  if (header.registryFingerprint !== registry.fingerprint) {
    throw new SnapshotIncompatibleError('written for another feature registry (or lateness tolerance)');
  }
  try {
    const store = new PartitionProfileStore({ partition: header.partition, registry });
    store.reserve(header.sizes);
    readStrings(reader, store);
    const customers = reader.u32();
    if (customers !== header.customers) throw new InvalidRecordError('customer count differs from the header');
    for (let i = 0; i < customers; i++) readCustomer(reader, store);
    if (reader.remaining !== 0) throw new InvalidRecordError('bytes after the last customer');
    store.lastAppliedOffset = header.lastAppliedOffset;
    return store;
  } catch (error) {
    // The checksum matched, so this is a writer bug or a forged file; either way it must not become a state.
    if (error instanceof ByteUnderflowError || error instanceof InvalidRecordError) throw new SnapshotCorruptError(`payload malformed (${error.message})`);
    throw error;
  }
}

/** Verifies a snapshot and returns what it is of, without decoding the customers. */
export function readSnapshotHeader(bytes: Uint8Array): SnapshotHeader {
  return openPayload(bytes).header;
}

function openPayload(bytes: Uint8Array): { reader: ByteReader; header: SnapshotHeader } {
  if (bytes.length < HEADER_BYTES) throw new SnapshotCorruptError('shorter than its header');
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) throw new SnapshotCorruptError('not a profile snapshot');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8, true) !== bytes.length - HEADER_BYTES) throw new SnapshotCorruptError('length does not match the header (truncated or extended)');
  const expected = checksum(bytes);
  for (let i = 0; i < expected.length; i++) {
    if (bytes[HASHED_HEADER_BYTES + i] !== expected[i]) throw new SnapshotCorruptError('checksum mismatch');
  }
  const formatVersion = view.getUint16(4, true);
  const flags = view.getUint16(6, true);
  if (formatVersion !== SNAPSHOT_FORMAT_VERSION || (flags & ~FLAG_DEFLATE) !== 0) {
    throw new SnapshotIncompatibleError(`format version ${formatVersion} (flags ${flags}) is not supported`);
  }
  let payload = bytes.subarray(HEADER_BYTES);
  if (flags & FLAG_DEFLATE) {
    try {
      payload = inflateRawSync(payload);
    } catch {
      throw new SnapshotCorruptError('payload does not inflate');
    }
  }
  const reader = new ByteReader(payload);
  try {
    const partition = reader.u32();
    const lastAppliedOffset = reader.f64();
    const registryFingerprint = Buffer.from(reader.raw(32)).toString('hex');
    const sizes = Object.fromEntries(SIZE_KEYS.map((key) => [key, reader.f64()])) as unknown as StoreSizes;
    if (!SIZE_KEYS.every((key) => Number.isInteger(sizes[key]) && sizes[key] >= 0 && sizes[key] <= MAX_ROWS)) throw new SnapshotCorruptError('table sizes out of range');
    return {
      reader,
      header: { formatVersion, compressed: (flags & FLAG_DEFLATE) !== 0, partition, lastAppliedOffset, registryFingerprint, customers: sizes.customers, sizes },
    };
  } catch (error) {
    if (error instanceof ByteUnderflowError) throw new SnapshotCorruptError('payload shorter than its fields');
    throw error;
  }
}

function checksum(bytes: Uint8Array): Uint8Array {
  return createHash('sha256')
    .update(bytes.subarray(0, HASHED_HEADER_BYTES))
    .update(bytes.subarray(HEADER_BYTES))
    .digest();
}
