import { CONSENT_CHANNELS } from '@kairos/contracts';
import { FEATURE_PURPOSES } from '@kairos/profile';
import { durationSchema, eventMatchSchema } from '@kairos/triggers';
import { z } from 'zod';

/** Where a decision is asked for or an action goes. Inbound channels answer the customer; outbound ones reach out. */
export const DECISION_CHANNELS = ['ivr', 'call_center', 'callback', 'app', 'web', 'atm', 'branch', 'push', 'email', 'sms', 'letter'] as const;
export type DecisionChannel = (typeof DECISION_CHANNELS)[number];
export const decisionChannelSchema = z.enum(DECISION_CHANNELS);

export const ACTION_KINDS = ['offer', 'service', 'next_step'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

const identifier = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'must be a lowercase id such as card-unlock');
const feel = z.string().min(1).max(2000);
const localTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be HH:MM');

export const channelPolicySchema = z.strictObject({
  direction: z.enum(['inbound', 'outbound']),
  /** The consent channel this channel's contacts need consent for; null: consent for the purpose on any channel. */
  consentChannel: z.enum(CONSENT_CHANNELS).nullable(),
  /** No contact in this local-time interval (wraps midnight when from > to). Outbound channels only. */
  quietHours: z.strictObject({ from: localTime, to: localTime }).optional(),
});
export type ChannelPolicy = z.infer<typeof channelPolicySchema>;

const capSchema = z.strictObject({ max: z.number().int().min(0).max(1000), within: durationSchema });

export const contactPolicySchema = z.strictObject({
  /** Caps per channel; `*` counts contacts over all outbound channels together. */
  caps: z.array(capSchema.extend({ channel: z.union([decisionChannelSchema, z.literal('*')]) })).max(50).default([]),
  /** After a customer declines an action, it is not offered again for this long (overridable per action). */
  declineCooldown: durationSchema.default('30d'),
});

/**
 * Responsible lending: when a customer counts as over the limit or in arrears (FEEL over features). If a feature
 * these read is unavailable, credit actions are suppressed (`responsible_lending:unknown`): fail closed.
 */
export const responsibleLendingPolicySchema = z.strictObject({ overLimit: feel, inArrears: feel });

const contextWeightSchema = z
  .strictObject({
    trigger: identifier.optional(),
    channel: decisionChannelSchema.optional(),
    placement: z.string().min(1).max(64).optional(),
    when: feel.optional(),
    weight: z.number().positive().max(1000),
  })
  .refine((w) => w.trigger !== undefined || w.channel !== undefined || w.placement !== undefined || w.when !== undefined, {
    message: 'must name a trigger, channel, placement or condition',
  });

export const actionSchema = z.strictObject({
  id: identifier,
  version: z.number().int().min(1).default(1),
  kind: z.enum(ACTION_KINDS),
  description: z.string().min(1).max(300),
  channels: z.array(decisionChannelSchema).min(1),
  /** Placements (e.g. `ivr-main-menu`, `app-home`) the action fits; omitted: any. */
  placements: z.array(z.string().min(1).max(64)).optional(),
  purposes: z.array(z.enum(FEATURE_PURPOSES)).min(1),
  /** FEEL over features, scores and context; top-level `and` clauses are reported one by one when they fail. */
  eligibility: feel.optional(),
  /** A deployed DMN decision that must return true. */
  eligibilityRule: z.strictObject({ ruleSet: z.string().min(1).max(100), decision: z.string().min(1).max(200) }).optional(),
  applicability: z
    .strictObject({
      /** One of these triggers must have fired for the customer and still be valid. */
      triggers: z.array(identifier).min(1).optional(),
      when: feel.optional(),
    })
    .default({}),
  /** Business value of the action taken (margin, cost avoided); arbitration multiplies it in. */
  value: z.number().min(0).max(1e9),
  propensity: z.strictObject({ model: identifier.optional(), default: z.number().min(0).max(1) }),
  /** The business lever: a standing boost or damping set by the product owner. */
  lever: z.number().positive().max(1000).default(1),
  contextWeights: z.array(contextWeightSchema).max(20).default([]),
  content: z.union([z.strictObject({ ref: z.string().min(1).max(100) }), z.strictObject({ campaign: identifier })]),
  responsibleLending: z
    .strictObject({
      /** The action extends credit: never for a customer in arrears. */
      credit: z.boolean().default(false),
      /** A credit product that replaces existing debt (e.g. an installment loan for an overdrawn card): allowed over the limit. */
      consolidatesDebt: z.boolean().default(false),
    })
    .default({ credit: false, consolidatesDebt: false }),
  contactPolicy: z.strictObject({ caps: z.array(capSchema).max(10).default([]), declineCooldown: durationSchema.optional() }).default({ caps: [] }),
  /** Actions of one group are alternatives: only the best of a group is offered. */
  group: identifier.optional(),
});
export type ActionDefinition = z.infer<typeof actionSchema>;

export const campaignSchema = z.strictObject({
  id: identifier,
  description: z.string().min(1).max(300),
  /** Dynamic segment: FEEL over features and scores. */
  segment: feel.optional(),
  variants: z.array(z.strictObject({ id: identifier, contentRef: z.string().min(1).max(100) })).min(1).max(20),
  /** Share of the audience held out as control group (0–0.5), assigned by a hash of campaign and customer. */
  controlShare: z.number().min(0).max(0.5),
  /** The response that counts as success for the bandit and the uplift report. */
  goal: z.strictObject({ event: eventMatchSchema, within: durationSchema }),
  /** Not for customers another campaign contacted within this time. */
  excludeIfInOtherCampaignWithin: durationSchema.optional(),
  maxAudience: z.number().int().min(1).optional(),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  endsAt: z.iso.datetime({ offset: true }).optional(),
});
export type CampaignDefinition = z.infer<typeof campaignSchema>;

/**
 * A value the runtime supplies from a system of record outside the event stream (e.g. days past due from core
 * banking's collections), read by name like a profile feature.
 */
export const externalFeatureSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a snake_case name'),
  type: z.enum(['number', 'boolean', 'string']),
  description: z.string().min(1).max(300),
});

export const actionCatalogSchema = z.strictObject({
  version: z.string().min(1).max(40),
  externalFeatures: z.array(externalFeatureSchema).max(50).default([]),
  /** Zone for quiet hours of customers whose zone is unknown. */
  defaultTimeZone: z.string().min(1).max(64).default('UTC'),
  channels: z.partialRecord(decisionChannelSchema, channelPolicySchema),
  contactPolicy: contactPolicySchema,
  responsibleLending: responsibleLendingPolicySchema,
  actions: z.array(actionSchema).max(1000),
  campaigns: z.array(campaignSchema).max(200).default([]),
});
export type ActionCatalogDocument = z.infer<typeof actionCatalogSchema>;
export type ActionCatalogInput = z.input<typeof actionCatalogSchema>;
