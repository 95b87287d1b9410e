import type { AuditConsentSnapshot } from '@kairos/audit';
import type { ConsentChannel, ConsentPurpose } from '@kairos/contracts';
import type { FeatureValue } from '@kairos/profile';
import type { DecisionChannel } from '../catalog/action-catalog.schema';

export type ContextValue = string | number | boolean | null;

/** `POST /v1/decisions` after validation, plus what the runtime adds (id, clock, trigger restriction). */
export interface DecisionRequest {
  readonly decisionId: string;
  readonly customerId: string;
  /** The asking channel; outbound decisions after a trigger may offer several, the best one per action wins. */
  readonly channels: readonly DecisionChannel[];
  readonly placement?: string;
  readonly context?: Readonly<Record<string, ContextValue>>;
  /** Top N (default 3). */
  readonly limit?: number;
  /** Only these actions are considered (a trigger's proposals). */
  readonly actions?: readonly string[];
  readonly nowMs: number;
}

/** Reads a profile feature; `undefined` means there is no feature of that name (as opposed to a null value). */
export type FeatureSource = (name: string) => FeatureValue | undefined;

/** Consent and objections in force for the customer at the decision's state offset (consent lives on the partition). */
export interface ConsentPort {
  /** May the customer's data be used for `purpose` on `channel` (null: no specific channel)? */
  may(purpose: ConsentPurpose, channel: ConsentChannel | null): boolean;
  objectsTo(scope: 'profiling' | 'direct_marketing'): boolean;
  /** For the audit record: the offset and grants the answers came from. */
  snapshot(): AuditConsentSnapshot;
}

export interface ModelScore {
  readonly score: number;
  readonly version: string;
  readonly stage: string;
  readonly attributions?: readonly { readonly feature: string; readonly contribution: number }[];
}

/** A past contact or response, from the outbox and the response events. */
export interface ContactRecord {
  readonly actionId: string;
  readonly channel: DecisionChannel;
  readonly atMs: number;
  readonly kind: 'contact' | 'declined' | 'accepted';
  readonly campaignId?: string;
}

/** A trigger fire still valid as context (the trigger engine's `recentFires`). */
export interface TriggerContext {
  readonly triggerId: string;
  readonly occasionId: string;
  readonly firedAtMs: number;
  readonly validUntilMs: number;
}

export interface RuleOutcome {
  readonly value: unknown;
  readonly version: string;
  readonly tableId: string;
  readonly ruleIds: readonly string[];
}

/**
 * Deployed DMN rule sets (libs/rules models held by the runtime). `read` gives a value by input-data name (a
 * decision variable or a feature, recorded for the audit): the adapter reads the model's declared inputs with it.
 * Null when the rule set or decision is not deployed.
 */
export interface RulePort {
  evaluate(ruleSet: string, decision: string, read: (name: string) => unknown): RuleOutcome | null;
}

/** Approved content (libs/content): the approved version of a content reference, null if none is approved. */
export type ContentPort = (contentRef: string) => string | null;

/** Bandit posterior of one variant: Beta(alpha, beta) on the goal rate. */
export interface ArmState {
  readonly variantId: string;
  readonly alpha: number;
  readonly beta: number;
}

export interface CampaignState {
  readonly arms: readonly ArmState[];
  /** Customers exposed so far (treated and control), for `maxAudience`. */
  readonly audience: number;
}

export type CampaignPort = (campaignId: string) => CampaignState | undefined;

/** Channel capacity (circuit breakers): false when the channel is saturated now. */
export type CapacityPort = (channel: DecisionChannel, nowMs: number) => boolean;

/** Everything a decision reads besides the catalog. Pure data and synchronous ports: a decision never waits. */
export interface DecisionInputs {
  readonly features: FeatureSource;
  /** Offset of the partition state the features come from (R3). */
  readonly stateOffset: number;
  /** The customer's IANA zone (quiet hours); null: the catalog default. */
  readonly timeZone: string | null;
  readonly consent: ConsentPort;
  readonly scores?: Readonly<Record<string, ModelScore>>;
  readonly triggers?: readonly TriggerContext[];
  readonly contacts?: readonly ContactRecord[];
  /** Business lever overrides per action (campaign boosts), multiplied with the catalog lever. */
  readonly levers?: Readonly<Record<string, number>>;
  readonly rules?: RulePort;
  readonly content?: ContentPort;
  readonly campaigns?: CampaignPort;
  readonly capacity?: CapacityPort;
}
