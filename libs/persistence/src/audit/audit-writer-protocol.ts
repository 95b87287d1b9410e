import type { MessagePort } from 'node:worker_threads';

/**
 * Messages between the SQLite audit store and its writer thread. Records travel as parallel arrays of primitives
 * (structured cloning of flat arrays is several times cheaper than cloning one object per record); chain heads as
 * three parallel arrays too.
 */
/** The database file and the data source's own settings, so the thread's commits are as durable as the main connection's. */
export interface AuditWriterSettings {
  readonly dbPath: string;
  readonly journalMode: string;
  readonly synchronous: number;
  readonly busyTimeoutMs: number;
  readonly recordsTable: string;
  readonly checkpointsTable: string;
}

export interface AuditWriterInit extends AuditWriterSettings {
  readonly kind: 'init';
  /** Int32 flag the main thread raises (Atomics.notify) after answering a placement request on `placePort`. */
  readonly placeSignal: SharedArrayBuffer;
  readonly placePort: MessagePort;
}

export interface HeadColumns {
  readonly chains: number[];
  /** 0 for a chain without records. */
  readonly sequences: number[];
  /** The genesis hash for a chain without records. */
  readonly hashes: string[];
}

export interface RecordColumns {
  readonly ids: string[];
  readonly chains: number[];
  readonly sequences: number[];
  readonly prevHashes: string[];
  readonly hashes: string[];
  readonly kinds: string[];
  readonly subjects: (string | null)[];
  readonly decisionIds: (string | null)[];
  readonly occurredAtMs: number[];
  readonly recordedAtMs: number[];
  readonly bodies: string[];
}

/** Records placed on the main thread after heads it believes current: written only if they still are. */
export interface OptimisticAppend {
  readonly kind: 'append';
  readonly requestId: number;
  readonly expected: HeadColumns;
  readonly records: RecordColumns;
}

/**
 * Placement under the write lock: the thread reads the heads inside its transaction, hands them to the main thread
 * and waits for the rows built on them. `chains` null means a checkpoint over every chain head.
 */
export interface LockedPlacement {
  readonly kind: 'place';
  readonly requestId: number;
  readonly chains: number[] | null;
}

export type AuditWriterRequest = AuditWriterInit | OptimisticAppend | LockedPlacement | { readonly kind: 'close' };

/** The main thread's answer to a placement, on the placement port. */
export type PlacementAnswer =
  | { readonly requestId: number; readonly records: RecordColumns }
  | { readonly requestId: number; readonly checkpoint: readonly [number, number, string, string, string] }
  | { readonly requestId: number; readonly error: string };

export type AuditWriterReply =
  | { readonly kind: 'ready' }
  /** Committed, in the thread's `transaction`-th transaction (requests of one group share it). */
  | { readonly kind: 'appended'; readonly requestId: number; readonly transaction: number }
  /** Nothing written: another writer moved a chain first (or the rows were not placed on the heads). */
  | { readonly kind: 'conflict'; readonly requestId: number }
  /** Heads read under the write lock: the main thread answers on the placement port. */
  | { readonly kind: 'heads'; readonly requestId: number; readonly heads: HeadColumns }
  /** The database stayed locked by another process past busy_timeout: nothing written, try again. */
  | { readonly kind: 'busy'; readonly requestIds: number[]; readonly message: string }
  /** Rolled back (or init failed, with no request ids): nothing of these requests is stored. */
  | { readonly kind: 'failed'; readonly requestIds: number[]; readonly message: string }
  | { readonly kind: 'closed' };
