import { capacityLimitSchema, type CapacityLimit } from '@kairos/decisioning';
import { KairosError } from '@kairos/contracts';

/**
 * Capacity per outbound channel when the deployment names none: what one contact centre and the message gateways
 * of a mid-size bank take. Per process (each worker gets its share): a cluster of n workers divides by n.
 */
export const DEFAULT_CHANNEL_CAPACITY: readonly CapacityLimit[] = [
  // Agents call back within the working day: wait up to 8 hours, then the callback is dropped.
  { channel: 'callback', capacity: 120, window: '1h', overflow: 'defer', maxDefer: '8h' },
  { channel: 'sms', capacity: 600, window: '1m', overflow: 'defer', maxDefer: '15m' },
  // A late push is worse than none: drop at once.
  { channel: 'push', capacity: 3000, window: '1m', overflow: 'drop' },
  { channel: 'email', capacity: 10000, window: '1m', overflow: 'defer', maxDefer: '1h' },
  { channel: 'letter', capacity: 5000, window: '1d', overflow: 'defer', maxDefer: '3d' },
];

/** Validates limits (one per channel), naming the entry and the rule that fails. */
export function parseChannelCapacity(limits: readonly unknown[]): CapacityLimit[] {
  const seen = new Set<string>();
  return limits.map((limit, i) => {
    const parsed = capacityLimitSchema.safeParse(limit);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new KairosError('VALIDATION_FAILED', `channel capacity [${i}] is invalid`, [{ path: `capacity[${i}].${issue.path.join('.')}`, rule: issue.code, message: issue.message }]);
    }
    if (seen.has(parsed.data.channel)) throw new KairosError('VALIDATION_FAILED', `channel capacity [${i}] repeats a channel`, [{ path: `capacity[${i}].channel`, rule: 'unique', message: `${parsed.data.channel} has a limit already` }]);
    seen.add(parsed.data.channel);
    return parsed.data;
  });
}
