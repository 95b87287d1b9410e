import { KairosError } from '@kairos/contracts';

/**
 * The snapshot's bytes are not what was written (flipped bits, truncation, a foreign file). Nothing of it is
 * used; the worker falls back to an older snapshot or a full replay of the log.
 */
export class SnapshotCorruptError extends KairosError {
  constructor(readonly reason: string) {
    super('STORAGE_UNAVAILABLE', `profile snapshot is corrupt: ${reason}`);
    this.name = 'SnapshotCorruptError';
  }
}

/**
 * The snapshot is intact but was written by another format version or for another feature registry, so its cells
 * mean something else. Also a reason to replay from the log, not an error in the data.
 */
export class SnapshotIncompatibleError extends KairosError {
  constructor(readonly reason: string) {
    super('STORAGE_UNAVAILABLE', `profile snapshot cannot be used: ${reason}`);
    this.name = 'SnapshotIncompatibleError';
  }
}
