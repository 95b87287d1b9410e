/**
 * Messages between the embedded log and its writer thread. Columns travel as parallel arrays of primitives:
 * structured cloning of flat arrays is several times cheaper than cloning one object per event.
 */
export interface WriterInit {
  readonly kind: 'init';
  readonly dbPath: string;
  readonly partitionCount: number;
  readonly synchronous: 'full' | 'normal';
}

export interface AppendRequest {
  readonly kind: 'append';
  readonly requestId: number;
  readonly ids: string[];
  readonly customerIds: string[];
  readonly types: string[];
  readonly partitions: number[];
  readonly receivedAtMs: number[];
  readonly payloads: string[];
}

/** A consumer group's position: everything before `nextOffset` is durably reflected in its state (a snapshot). */
export interface CommitRequest {
  readonly kind: 'commit';
  readonly requestId: number;
  readonly groupId: string;
  readonly partition: number;
  readonly nextOffset: number;
}

/** Deletes records received before `cutoffMs` that every consumer group has committed past (retention). */
export interface PurgeRequest {
  readonly kind: 'purge';
  readonly requestId: number;
  readonly cutoffMs: number;
  /** Groups consuming right now; a group that never committed a partition holds all of it. */
  readonly liveGroups: string[];
  /** [partition, first offset to keep] pairs from the caller. */
  readonly keepFrom: [number, number][];
}

export type WriterRequest = WriterInit | AppendRequest | CommitRequest | PurgeRequest | { readonly kind: 'close' };

export interface WriterReady {
  readonly kind: 'ready';
  /** Next free offset of every partition. */
  readonly heads: number[];
}

export interface AppendReply {
  readonly kind: 'appended';
  readonly requestId: number;
  /** 1 = appended, 0 = duplicate of an earlier event with the same id. */
  readonly appended: number[];
  readonly partitions: number[];
  readonly offsets: number[];
  readonly storedAtMs: number;
}

export interface WriterFailure {
  readonly kind: 'failed';
  /** The requests that were rolled back; none of their events is stored. Empty when init failed. */
  readonly requestIds: number[];
  readonly message: string;
}

export interface CommitReply {
  readonly kind: 'committed';
  readonly requestId: number;
}

export interface PurgeReply {
  readonly kind: 'purged';
  readonly requestId: number;
  readonly deleted: number;
  readonly heldBack: number;
}

export type WriterReply = WriterReady | AppendReply | CommitReply | PurgeReply | WriterFailure | { readonly kind: 'closed' };
