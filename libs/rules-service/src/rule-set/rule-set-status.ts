import { KairosError } from '@kairos/contracts';

/** draft → review → approved (four eyes) → deployed → retired; rollback brings a retired, once-deployed version back. */
export const RULE_SET_STATUSES = ['draft', 'review', 'approved', 'deployed', 'retired'] as const;
export type RuleSetStatus = (typeof RULE_SET_STATUSES)[number];

export type RuleSetTransition = 'created' | 'edited' | 'submitted' | 'approved' | 'deployed' | 'superseded' | 'retired' | 'rolled_back' | 'restored';

/** Which status a command starts from, and where it leads. */
const MOVES = {
  edit: { from: ['draft'], to: 'draft' },
  submit: { from: ['draft'], to: 'review' },
  approve: { from: ['review'], to: 'approved' },
  deploy: { from: ['approved'], to: 'deployed' },
  retire: { from: ['draft', 'review', 'approved', 'deployed'], to: 'retired' },
} as const satisfies Record<string, { from: readonly RuleSetStatus[]; to: RuleSetStatus }>;
export type RuleSetCommand = keyof typeof MOVES;

/** The status after `command`, or CONFLICT naming the status the version is in. */
export function nextStatus(command: RuleSetCommand, status: string): RuleSetStatus {
  const move = MOVES[command];
  if ((move.from as readonly string[]).includes(status)) return move.to;
  throw new KairosError('CONFLICT', `the rule-set version is ${status}; ${command} is not possible`, [
    { path: 'status', rule: 'lifecycle', message: `${command} needs status ${move.from.join(' or ')}; the version is ${status}` },
  ]);
}

/** Open versions block a new one: one change of a rule set is under way at a time. */
export const OPEN_STATUSES: readonly RuleSetStatus[] = ['draft', 'review', 'approved'];
