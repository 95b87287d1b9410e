import type { AuditConsentSnapshot, AuditCounterfactual, AuditInput, AuditLogic } from '@kairos/audit';
import type { FeatureValue } from '@kairos/profile';
import type { ActionKind, DecisionChannel } from '../catalog/action-catalog.schema';
import type { VariantChoice } from '../bandit/thompson-sampler';
import type { CampaignState, ContactRecord, DecisionRequest, RuleOutcome, TriggerContext } from './decision-ports';

export const DECISION_STAGES = ['eligibility', 'applicability', 'suitability', 'contact_policy', 'arbitration'] as const;
export type DecisionStage = (typeof DECISION_STAGES)[number];

/** priority = propensity × value × context weight × lever, each factor with where it came from. */
export interface PriorityFactors {
  readonly propensity: {
    readonly value: number;
    readonly source: 'model' | 'default' | 'default_profiling_objection';
    readonly model: string | null;
    readonly modelVersion: string | null;
  };
  readonly value: number;
  readonly contextWeight: { readonly value: number; readonly matched: readonly string[] };
  readonly lever: { readonly value: number; readonly catalog: number; readonly override: number | null };
}

export interface ActionContent {
  readonly ref: string;
  /** The approved version used. */
  readonly version: string | null;
  readonly campaignId: string | null;
  readonly variantId: string | null;
}

export interface RankedAction {
  readonly rank: number;
  readonly actionId: string;
  readonly actionVersion: number;
  readonly kind: ActionKind;
  readonly channel: DecisionChannel;
  readonly priority: number;
  readonly factors: PriorityFactors;
  readonly content: ActionContent;
  readonly purposes: readonly string[];
  /** Why it is here: `eligible`, `trigger:<id>` for the triggers it answers, `deferred:…` when it waits. */
  readonly reasons: readonly string[];
  /** Set when the action may only go out later (quiet hours): the outbox holds it until then. */
  readonly deferredUntilMs?: number;
}

export interface SuppressedAction {
  readonly actionId: string;
  readonly actionVersion: number;
  /** Null when the action failed before any channel was considered (eligibility). */
  readonly channel: DecisionChannel | null;
  readonly stage: DecisionStage;
  /** Machine reason codes, e.g. `consent_missing:marketing:email`, `responsible_lending:in_arrears`. */
  readonly reasons: readonly string[];
  readonly counterfactuals: readonly AuditCounterfactual[];
  /** Set for actions that reached arbitration. */
  readonly priority: number | null;
}

/**
 * Everything a decision read, so `replayDecision` can recompute it exactly (A5). Plain JSON. The scores are not
 * repeated here: the record's `logic.models` holds each one with its version, stage and attributions, and a replay
 * reads them from there (they were half of a decision's audit record when written twice).
 */
export interface DecisionReplayRecord {
  readonly request: DecisionRequest;
  readonly catalogVersion: string;
  readonly catalogFingerprint: string;
  readonly stateOffset: number;
  readonly timeZone: string | null;
  readonly features: readonly (readonly [string, FeatureValue])[];
  readonly unknownFeatures: readonly string[];
  readonly consent: {
    readonly answers: readonly (readonly [string, boolean])[];
    readonly objections: readonly (readonly [string, boolean])[];
    readonly snapshot: AuditConsentSnapshot;
  };
  readonly triggers: readonly TriggerContext[];
  readonly contacts: readonly ContactRecord[];
  readonly levers: Readonly<Record<string, number>>;
  /** Each rule evaluation: its outcome and the names it read. */
  readonly rules: readonly (readonly [string, RuleOutcome | null, readonly string[]])[];
  readonly content: readonly (readonly [string, string | null])[];
  readonly campaigns: readonly (readonly [string, CampaignState | null])[];
  readonly capacity: readonly (readonly [string, boolean])[];
}

/** The decision with its explanation: what the API returns and what the audit record and the trace are made of. */
export interface DecisionOutcome {
  readonly decisionId: string;
  readonly customerId: string;
  readonly channels: readonly DecisionChannel[];
  readonly placement: string | null;
  readonly decidedAtMs: number;
  readonly stateOffset: number;
  readonly catalogVersion: string;
  readonly actions: readonly RankedAction[];
  readonly suppressed: readonly SuppressedAction[];
  /** Feature values, scores, context and derived flags the decision read. */
  readonly inputs: readonly AuditInput[];
  readonly models: NonNullable<AuditLogic['models']>;
  readonly rules: NonNullable<AuditLogic['rules']>;
  readonly triggers: readonly string[];
  readonly seeds: Readonly<Record<string, number>>;
  readonly bandit: readonly VariantChoice[];
  /** Campaigns the customer was held out of as control group: the runtime records these exposures too. */
  readonly holdouts: readonly { readonly campaignId: string; readonly actionId: string }[];
  readonly consent: AuditConsentSnapshot;
  readonly counterfactuals: readonly AuditCounterfactual[];
  readonly replay: DecisionReplayRecord;
}
