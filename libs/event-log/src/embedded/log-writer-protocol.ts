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

export type WriterRequest = WriterInit | AppendRequest | { readonly kind: 'close' };

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

export type WriterReply = WriterReady | AppendReply | WriterFailure | { readonly kind: 'closed' };
