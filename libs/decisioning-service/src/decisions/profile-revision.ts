import type { ProfileAttributes } from '@kairos/profile';

/**
 * Which events a customer's profile has folded: how many, and the log offset of the last. It changes with every
 * event applied to the customer (consent changes and objections included), so scores cached under it were computed
 * from the same profile state. `none` for a customer without a profile.
 */
export function profileRevisionOf(attributes: Pick<ProfileAttributes, 'eventCount' | 'lastOffset'> | null): string {
  return attributes === null ? 'none' : `${attributes.eventCount}@${attributes.lastOffset}`;
}
