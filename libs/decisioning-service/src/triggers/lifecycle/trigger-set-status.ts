import { KairosError } from '@kairos/contracts';
import type { TriggerSetStatus } from '@kairos/persistence';

export type TriggerSetTransition = 'created' | 'edited' | 'submitted' | 'approved' | 'deployed' | 'superseded' | 'retired' | 'rolled_back' | 'restored';

/**
 * Which status each command starts from and where it leads. A deployed version is not retired by itself (the
 * platform always runs a trigger set): a new version replaces it, or a rollback brings the one before it back.
 */
const MOVES = {
  edit: { from: ['draft', 'review'], to: 'draft' },
  submit: { from: ['draft'], to: 'review' },
  approve: { from: ['review'], to: 'approved' },
  deploy: { from: ['approved'], to: 'deployed' },
  retire: { from: ['draft', 'review', 'approved'], to: 'retired' },
} as const satisfies Record<string, { from: readonly TriggerSetStatus[]; to: TriggerSetStatus }>;
export type TriggerSetCommand = keyof typeof MOVES;

/** Versions under way: one change of the trigger set at a time. */
export const OPEN_TRIGGER_SET_STATUSES: readonly TriggerSetStatus[] = ['draft', 'review', 'approved'];

/** The status after `command`, or CONFLICT naming the status the version is in. */
export function triggerSetMove(command: TriggerSetCommand, status: TriggerSetStatus): TriggerSetStatus {
  const move = MOVES[command];
  if ((move.from as readonly TriggerSetStatus[]).includes(status)) return move.to;
  throw new KairosError('CONFLICT', `the trigger-set version is ${status}; ${command} is not possible`, [
    { path: 'version', rule: 'lifecycle', message: `${command} needs status ${move.from.join(' or ')}; the version is ${status}` },
  ]);
}
