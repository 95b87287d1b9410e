import { KairosError } from '@kairos/contracts';

/** Seconds a client waits before retrying a request no process could serve (ownership settles within ~1 s). */
export const OWNER_RETRY_AFTER_SECONDS = 1;

/** 503 NOT_PARTITION_OWNER with Retry-After: the one answer for "no owner can serve this right now". */
export function notPartitionOwner(message: string): KairosError {
  return new KairosError('NOT_PARTITION_OWNER', message, [], OWNER_RETRY_AFTER_SECONDS);
}
