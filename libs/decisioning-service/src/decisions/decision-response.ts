import type { ActionContent, DecisionChannel, DecisionOutcome, DecisionStage, PriorityFactors } from '@kairos/decisioning';

/** `POST /v1/decisions` 200: the ranked actions with every priority factor, and why the others were suppressed. */
export interface DecisionResponse {
  readonly decisionId: string;
  readonly customerId: string;
  readonly channel: DecisionChannel;
  /** Offset of the partition state the decision was computed from (R3). */
  readonly stateOffset: number;
  readonly actions: readonly {
    readonly rank: number;
    readonly actionId: string;
    readonly version: number;
    readonly channel: DecisionChannel;
    readonly priority: number;
    readonly factors: PriorityFactors;
    readonly content: ActionContent;
    readonly reasons: readonly string[];
  }[];
  readonly suppressed: readonly { readonly actionId: string; readonly channel: DecisionChannel | null; readonly stage: DecisionStage; readonly reasons: readonly string[] }[];
}

export function decisionResponseOf(outcome: DecisionOutcome, channel: DecisionChannel): DecisionResponse {
  return {
    decisionId: outcome.decisionId,
    customerId: outcome.customerId,
    channel,
    stateOffset: outcome.stateOffset,
    actions: outcome.actions.map((a) => ({ rank: a.rank, actionId: a.actionId, version: a.actionVersion, channel: a.channel, priority: a.priority, factors: a.factors, content: a.content, reasons: a.reasons })),
    suppressed: outcome.suppressed.map((s) => ({ actionId: s.actionId, channel: s.channel, stage: s.stage, reasons: s.reasons })),
  };
}

export const decisionResponseJsonSchema = {
  type: 'object',
  required: ['decisionId', 'customerId', 'channel', 'stateOffset', 'actions', 'suppressed'],
  properties: {
    decisionId: { type: 'string' },
    customerId: { type: 'string' },
    channel: { type: 'string' },
    stateOffset: { type: 'integer', description: 'offset of the partition state the decision was computed from' },
    actions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          rank: { type: 'integer' },
          actionId: { type: 'string' },
          version: { type: 'integer' },
          channel: { type: 'string' },
          priority: { type: 'number', description: 'propensity × value × context weight × lever' },
          factors: { type: 'object' },
          content: { type: 'object', properties: { ref: { type: 'string' }, version: { type: 'string', nullable: true }, campaignId: { type: 'string', nullable: true }, variantId: { type: 'string', nullable: true } } },
          reasons: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    suppressed: {
      type: 'array',
      items: { type: 'object', properties: { actionId: { type: 'string' }, channel: { type: 'string', nullable: true }, stage: { type: 'string' }, reasons: { type: 'array', items: { type: 'string' } } } },
    },
  },
};
