import type { ContactRecord, DecisionOutcome, DecisionRequest, FeatureSource, ModelScore, RulePort, TriggerContext } from '@kairos/decisioning';

/**
 * The sources a decision reads besides the profile, each supplied by the module that owns it. Every read is
 * synchronous and served from memory of the owning worker, so a decision never waits on I/O before its audit write.
 */

/** Scores of the models in production (scoring-service). Shadow models may be scored and logged, never returned. */
export interface ScoreSource {
  /**
   * Scores the customer with every production model whose purpose the customer allows (`allowed(purpose)` is
   * false after an Art. 21 objection to profiling: then no score is computed at all, G2). `models` limits the
   * scoring to those model ids (a score-change trigger watching one model need not run the others).
   */
  scoresFor(customerId: string, features: FeatureSource, nowMs: number, allowed: (purpose: string) => boolean, models?: ReadonlySet<string>): Readonly<Record<string, ModelScore>>;
}

/** Deployed rule sets (rules-service). */
export type RuleSource = RulePort;

/** Trigger fires still valid as decision context, from the trigger engine of the customer's partition. */
export interface TriggerContextSource {
  recentFires(partition: number, customerId: string, atMs: number): readonly TriggerContext[];
}

/** Past contacts and responses of a customer (outbox and response events), newest last, for contact policy. */
export interface ContactHistory {
  contactsOf(customerId: string, sinceMs: number): readonly ContactRecord[];
}

/** Who asked: a channel's API key over HTTP, a trigger fire inside the worker, or the send job of an outbound campaign. */
export type DecisionOrigin =
  | { readonly type: 'request'; readonly principalId: string; readonly role: string }
  | { readonly type: 'trigger'; readonly triggerId: string; readonly occasionId: string }
  | { readonly type: 'campaign'; readonly campaignId: string; readonly version: number };

/**
 * Decides for a customer whose partition this process owns, audits the decision and returns it. The trigger path
 * (outbox) and the HTTP path both come through here, so every decision is audited the same way.
 */
export interface DecisionMaker {
  decideOwned(request: DecisionRequest, origin: DecisionOrigin): Promise<DecisionOutcome>;
}

/**
 * Where the actions of outbound decisions (trigger fires) go: the action outbox. `emit` resolves once every
 * action is durably in the outbox; emitting the same decision again (a replayed trigger fire reuses its decision
 * id) adds nothing. The worker awaits it before its snapshot may move past the event that fired.
 */
export interface ActionSink {
  emit(outcomes: readonly DecisionOutcome[]): Promise<void>;
}

/** An answer relayed from the process that owns a customer's partition. */
export interface ForwardedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/**
 * Sends a request this process cannot serve (it does not own the partition) to the owner and relays the answer
 * (the interactive-query pattern). Throws KairosError `UNAVAILABLE` (503 with Retry-After) when no owner is known
 * or the owner does not answer in time; a request already forwarded once is never forwarded again.
 */
export interface OwnerForwarder {
  forward(partition: number, request: { readonly method: 'GET' | 'POST' | 'PUT'; readonly path: string; readonly body?: unknown; readonly authorization: string; readonly hops: number }): Promise<ForwardedAnswer>;
}

/** Campaign posteriors for the bandit and the exposures decisions create (campaigns module). */
export interface CampaignBook {
  /** The posterior of each variant and the audience so far (sync, from memory). */
  stateOf(campaignId: string): { readonly arms: readonly { variantId: string; alpha: number; beta: number }[]; readonly audience: number } | undefined;
  /** A decision exposed the customer to a variant (or held them out as control). */
  recordExposures(outcome: DecisionOutcome): void;
}
