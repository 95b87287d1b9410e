import { EVENT_TYPES, EventType } from '@kairos/contracts';
import { z } from 'zod';
import { durationSchema } from './duration';
import { eventMatchSchema } from './event-match';

export const TRIGGER_KINDS = ['count', 'absence', 'calendar', 'threshold', 'score_change'] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

const identifier = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'must be a lowercase id such as card-lock-after-pin-failures');
const fieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'must be a data field name such as cardId');

/** What every trigger declares besides its condition. */
const common = {
  id: identifier,
  version: z.number().int().min(1).default(1),
  description: z.string().min(1).max(300),
  /** Minimum time between two fires for the same customer (and the same `dedupeBy` values). `0s` allowed. */
  cooldown: durationSchema,
  /** A FEEL guard over profile features checked when the trigger is about to fire, e.g. `holds_checking_account`. */
  condition: z.string().min(1).max(1000).optional(),
  /** Actions of the action catalog this trigger proposes; the decision pipeline still judges each one. */
  proposes: z.array(identifier).max(20).default([]),
  /** How long a fire counts as context for decisions (`triggers` in decision expressions). */
  validFor: durationSchema.default('1d'),
};

/**
 * Event data fields that tell occasions apart: the cooldown applies per customer and per these values, and a
 * count trigger counts per these values ("three failures on the same card").
 */
const dedupeBy = z.array(fieldName).max(4).default([]);

/** "3 × atm_pin_failed within 10 minutes": fires when the count first reaches `atLeast` inside a sliding window. */
export const countTriggerSchema = z.strictObject({
  ...common,
  kind: z.literal('count'),
  event: eventMatchSchema,
  atLeast: z.number().int().min(2).max(64),
  within: durationSchema,
  dedupeBy,
});

/**
 * "No card_transaction on a credit card within 30 days of product_opened credit_card": a durable timer starts
 * at the `after` event and fires at `after + within` unless an `awaiting` event occurs in between.
 */
export const absenceTriggerSchema = z.strictObject({
  ...common,
  kind: z.literal('absence'),
  after: eventMatchSchema,
  awaiting: eventMatchSchema,
  within: durationSchema,
  /** A data field of the `after` event that separates waits (e.g. productId: one wait per card opened). */
  correlateBy: fieldName.optional(),
  /** A timer found more than this overdue (e.g. after a long outage or a replay of old history) is dropped, not fired. */
  staleAfter: durationSchema.default('1d'),
  dedupeBy,
});

/** "Turns 18 today": evaluated daily from a month-day index, on the customer's own calendar (time zone). */
export const calendarTriggerSchema = z.strictObject({
  ...common,
  kind: z.literal('calendar'),
  occasion: z.literal('birthday'),
  /** Only the birthday on which the customer turns this age; omitted: every birthday. */
  turns: z.number().int().min(0).max(130).optional(),
  /** Local time from which the occasion fires on its day. */
  atLocalTime: z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM').default('00:00'),
});

/** "Credit card balance beyond its limit": fires when `condition` over features turns true, re-arms when it turns false. */
export const thresholdTriggerSchema = z.strictObject({
  ...common,
  kind: z.literal('threshold'),
  condition: z.string().min(1).max(1000),
  /** Events after which the condition is re-evaluated (the features it reads change with them). */
  on: z.array(z.enum(EVENT_TYPES as [EventType, ...EventType[]])).min(1).max(10),
  dedupeBy,
});

/** "Churn score crossed 0.7 upward": edge-triggered, with an optional re-arm level against flapping. */
export const scoreChangeTriggerSchema = z.strictObject({
  ...common,
  kind: z.literal('score_change'),
  model: identifier,
  crosses: z.number().finite(),
  direction: z.enum(['up', 'down']),
  /** The score must fall back past this level (below for `up`) before the trigger can fire again; default `crosses`. */
  rearmAt: z.number().finite().optional(),
});

export const triggerDefinitionSchema = z.discriminatedUnion('kind', [
  countTriggerSchema,
  absenceTriggerSchema,
  calendarTriggerSchema,
  thresholdTriggerSchema,
  scoreChangeTriggerSchema,
]);

export type TriggerDefinitionInput = z.input<typeof triggerDefinitionSchema>;
export type TriggerDefinition = z.infer<typeof triggerDefinitionSchema>;
export type CountTriggerDefinition = z.infer<typeof countTriggerSchema>;
export type AbsenceTriggerDefinition = z.infer<typeof absenceTriggerSchema>;
export type CalendarTriggerDefinition = z.infer<typeof calendarTriggerSchema>;
export type ThresholdTriggerDefinition = z.infer<typeof thresholdTriggerSchema>;
export type ScoreChangeTriggerDefinition = z.infer<typeof scoreChangeTriggerSchema>;

export const triggerDocumentSchema = z.strictObject({
  version: z.string().min(1).max(40),
  triggers: z.array(triggerDefinitionSchema).max(500),
});
export type TriggerDocument = z.infer<typeof triggerDocumentSchema>;
