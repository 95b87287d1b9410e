import type { AuditCounterfactual } from '@kairos/audit';
import { KairosError } from '@kairos/contracts';
import type { ActionCatalog, CompiledAction } from '../catalog/action-catalog';
import type { DecisionChannel } from '../catalog/action-catalog.schema';
import { seedFrom } from '../bandit/seeded-random';
import { VariantChoice, chooseVariant } from '../bandit/thompson-sampler';
import { DecisionContext } from './decision-context';
import type { DecisionInputs, DecisionRequest } from './decision-ports';
import type { ActionContent, DecisionOutcome, DecisionReplayRecord, DecisionStage, RankedAction, SuppressedAction } from './decision-outcome';
import { checkApplicability } from './stages/applicability.stage';
import { ArbitrationCandidate, byPriority, priorityFactors, priorityOf, rankingHint } from './stages/arbitration.stage';
import { checkContactPolicy } from './stages/contact-policy.stage';
import { checkEligibility } from './stages/eligibility.stage';
import { checkSuitability } from './stages/suitability.stage';
import type { Deferral, StageVerdict } from './stages/stage-verdict';

export const DEFAULT_DECISION_LIMIT = 3;
export const MAX_DECISION_LIMIT = 20;

/**
 * The next best action, as a pure function of the catalog, the request and the inputs: eligibility →
 * applicability → suitability → contact policy → arbitration → top N. Every action considered ends either ranked
 * (with its priority factors) or suppressed (with its stage, reason codes and counterfactual hints). Randomness
 * (bandit draws) is seeded from the decision and campaign ids, and every input read is recorded, so
 * `replayDecision` recomputes the same outcome.
 */
export function decide(catalog: ActionCatalog, request: DecisionRequest, inputs: DecisionInputs): DecisionOutcome {
  checkRequest(catalog, request);
  const context = new DecisionContext(catalog, request, inputs);
  const restrict = request.actions ? new Set(request.actions) : null;
  const suppressed: SuppressedAction[] = [];
  const candidates: ArbitrationCandidate[] = [];
  const deferred: { action: CompiledAction; candidate: ArbitrationCandidate; deferral: Deferral }[] = [];
  const suppress = (action: CompiledAction, channel: DecisionChannel | null, stage: DecisionStage, verdict: StageVerdict) =>
    suppressed.push({ actionId: action.id, actionVersion: action.version, channel, stage, reasons: verdict.reasons, counterfactuals: verdict.counterfactuals, priority: null });

  for (const action of catalog.actions) {
    if (restrict !== null && !restrict.has(action.id)) continue;
    if (!request.channels.some((channel) => action.channels.has(channel))) continue;
    const eligibility = checkEligibility(action, context);
    if (eligibility.reasons.length > 0) {
      suppress(action, null, 'eligibility', eligibility);
      continue;
    }
    request.channels.forEach((channel, channelOrder) => {
      if (!action.channels.has(channel)) return;
      let deferral: Deferral | undefined;
      for (const [stage, check] of STAGES) {
        const verdict = check(action, channel, context);
        if (verdict.reasons.length > 0) return suppress(action, channel, stage, verdict);
        deferral ??= verdict.deferral;
      }
      const factors = priorityFactors(action, channel, context);
      const candidate = { action, channel, channelOrder, factors, priority: priorityOf(factors) };
      if (deferral) deferred.push({ action, candidate, deferral });
      else candidates.push(candidate);
    });
  }
  // Deferring is the last resort: an action that can go out now on another channel does, the wait is suppressed.
  const deferrals = new Map<ArbitrationCandidate, Deferral>();
  for (const { action, candidate, deferral } of deferred) {
    if (candidates.some((c) => c.action === action && !deferrals.has(c))) {
      suppress(action, candidate.channel, 'contact_policy', { reasons: [deferral.reason], counterfactuals: [deferral.counterfactual] });
    } else {
      deferrals.set(candidate, deferral);
      candidates.push(candidate);
    }
  }

  const ranked = arbitrate(candidates, clampLimit(request.limit), suppressed);
  const bandit: VariantChoice[] = [];
  const actions = ranked.map((candidate, i) => withDeferral(rankedAction(candidate, i + 1, context, bandit), deferrals.get(candidate)));
  const counterfactuals = collectCounterfactuals(suppressed, candidates, ranked);
  const seeds: Record<string, number> = {};
  for (const choice of bandit) seeds[`bandit:${choice.campaignId}`] = choice.seed;

  return {
    decisionId: request.decisionId,
    customerId: request.customerId,
    channels: request.channels,
    placement: request.placement ?? null,
    decidedAtMs: request.nowMs,
    stateOffset: inputs.stateOffset,
    catalogVersion: catalog.version,
    actions,
    suppressed,
    inputs: context.auditInputs(),
    models: Object.entries(context.scores).map(([modelId, score]) => ({ modelId, version: score.version, stage: score.stage, score: score.score, attributions: score.attributions ?? [] })),
    rules: [...context.rules].flatMap(([key, outcome]) => (outcome ? [{ ruleSetId: key.split('/')[0], version: outcome.version, tableId: outcome.tableId, rowIds: outcome.ruleIds }] : [])),
    triggers: [...context.triggerIds],
    seeds,
    bandit,
    holdouts: holdoutsOf(suppressed, catalog),
    consent: inputs.consent.snapshot(),
    counterfactuals,
    replay: replayRecord(context),
  };
}

type ChannelStage = (action: CompiledAction, channel: DecisionChannel, context: DecisionContext) => StageVerdict;
const STAGES: readonly (readonly [DecisionStage, ChannelStage])[] = [
  ['applicability', checkApplicability],
  ['suitability', checkSuitability],
  ['contact_policy', checkContactPolicy],
];

/** Best channel per action, best action per group, then the top `limit`; the rest are suppressed with the reason. */
function arbitrate(candidates: ArbitrationCandidate[], limit: number, suppressed: SuppressedAction[]): ArbitrationCandidate[] {
  candidates.sort(byPriority);
  const ranked: ArbitrationCandidate[] = [];
  const seenActions = new Set<string>();
  const groupWinners = new Map<string, string>();
  const first = candidates[0];
  const runnerUp = candidates.find((c) => c.action.id !== first?.action.id) ?? null;
  for (const candidate of candidates) {
    const { action } = candidate;
    const group = action.definition.group;
    let reason: string | null = null;
    if (seenActions.has(action.id)) reason = 'arbitration:other_channel_chosen';
    else if (group !== undefined && groupWinners.has(group)) reason = `arbitration:group:${group}:${groupWinners.get(group)}`;
    else if (ranked.length >= limit) reason = 'arbitration:below_top_n';
    seenActions.add(action.id);
    if (reason === null) {
      ranked.push(candidate);
      if (group !== undefined) groupWinners.set(group, action.id);
      continue;
    }
    const counterfactual = reason === 'arbitration:other_channel_chosen' ? null : rankingHint(candidate, first, runnerUp);
    suppressed.push({
      actionId: action.id,
      actionVersion: action.version,
      channel: candidate.channel,
      stage: 'arbitration',
      reasons: [reason],
      counterfactuals: counterfactual ? [counterfactual] : [],
      priority: candidate.priority,
    });
  }
  return ranked;
}

function rankedAction(candidate: ArbitrationCandidate, rank: number, context: DecisionContext, bandit: VariantChoice[]): RankedAction {
  const { action, channel } = candidate;
  const reasons = ['eligible'];
  for (const id of action.definition.applicability.triggers ?? []) if (context.triggerIds.has(id)) reasons.push(`trigger:${id}`);
  for (const w of action.contextWeights) if (w.trigger && context.triggerIds.has(w.trigger) && !reasons.includes(`trigger:${w.trigger}`)) reasons.push(`trigger:${w.trigger}`);
  return {
    rank,
    actionId: action.id,
    actionVersion: action.version,
    kind: action.definition.kind,
    channel,
    priority: candidate.priority,
    factors: candidate.factors,
    content: contentOf(action, context, bandit),
    purposes: action.definition.purposes,
    reasons,
  };
}

/** A deferred action says why and until when: `deferred:<reason>:until:<iso>`, for the record and the trace. */
function withDeferral(action: RankedAction, deferral: Deferral | undefined): RankedAction {
  if (!deferral) return action;
  return { ...action, reasons: [...action.reasons, `deferred:${deferral.reason}:until:${new Date(deferral.untilMs).toISOString()}`], deferredUntilMs: deferral.untilMs };
}

/** The approved content; for a campaign, the variant Thompson sampling picks among the approved ones. */
function contentOf(action: CompiledAction, context: DecisionContext, bandit: VariantChoice[]): ActionContent {
  const content = action.definition.content;
  if ('ref' in content) return { ref: content.ref, version: context.approvedContent(content.ref), campaignId: null, variantId: null };
  const campaign = action.campaign as NonNullable<CompiledAction['campaign']>;
  const approved = campaign.definition.variants.filter((variant) => context.approvedContent(variant.contentRef) !== null);
  const posterior = new Map((context.campaign(campaign.id)?.arms ?? []).map((arm) => [arm.variantId, arm]));
  const arms = approved.map((variant) => posterior.get(variant.id) ?? { variantId: variant.id, alpha: 1, beta: 1 });
  const choice = chooseVariant(campaign.id, arms, seedFrom(context.request.decisionId, campaign.id));
  bandit.push(choice);
  const variant = approved.find((v) => v.id === choice.variantId) as (typeof approved)[number];
  return { ref: variant.contentRef, version: context.approvedContent(variant.contentRef), campaignId: campaign.id, variantId: variant.id };
}

/** Decision-level hints: the ranking hints and one hint per suppressed action (its first). */
function collectCounterfactuals(suppressed: readonly SuppressedAction[], candidates: readonly ArbitrationCandidate[], ranked: readonly ArbitrationCandidate[]): AuditCounterfactual[] {
  const out: AuditCounterfactual[] = [];
  const first = ranked[0];
  if (first) {
    const runnerUp = candidates.find((c) => c.action.id !== first.action.id) ?? null;
    for (const candidate of ranked) {
      const counterfactual = rankingHint(candidate, first, runnerUp);
      if (counterfactual) out.push(counterfactual);
    }
  }
  for (const entry of suppressed) if (entry.counterfactuals[0]) out.push(entry.counterfactuals[0]);
  return out;
}

/** Customers held out of a campaign only because of the control group (not for lack of consent or eligibility). */
function holdoutsOf(suppressed: readonly SuppressedAction[], catalog: ActionCatalog): { campaignId: string; actionId: string }[] {
  const out: { campaignId: string; actionId: string }[] = [];
  for (const entry of suppressed) {
    if (entry.reasons.length !== 1 || !entry.reasons[0].startsWith('control_group:')) continue;
    const campaignId = catalog.actionsById.get(entry.actionId)?.campaign?.id;
    if (campaignId && !out.some((h) => h.actionId === entry.actionId)) out.push({ campaignId, actionId: entry.actionId });
  }
  return out;
}

function replayRecord(context: DecisionContext): DecisionReplayRecord {
  const { inputs } = context;
  return {
    request: context.request,
    catalogVersion: context.catalog.version,
    catalogFingerprint: context.catalog.fingerprint,
    stateOffset: inputs.stateOffset,
    timeZone: inputs.timeZone,
    features: [...context.features],
    unknownFeatures: [...context.unknownFeatures],
    consent: { answers: [...context.consentAnswers], objections: [...context.objections], snapshot: inputs.consent.snapshot() },
    triggers: inputs.triggers ?? [],
    contacts: inputs.contacts ?? [],
    levers: inputs.levers ?? {},
    rules: [...context.rules].map(([key, outcome]) => [key, outcome, context.ruleReads.get(key) ?? []] as const),
    content: [...context.content],
    campaigns: [...context.campaigns],
    capacity: [...context.capacity],
  };
}

function checkRequest(catalog: ActionCatalog, request: DecisionRequest): void {
  const unknown = request.channels.filter((channel) => !catalog.channels.has(channel));
  if (request.channels.length === 0 || unknown.length > 0) {
    throw new KairosError('VALIDATION_FAILED', 'the decision request names no channel the catalog serves', [
      { path: 'channel', rule: 'known_channel', message: `must be one of ${[...catalog.channels.keys()].join(', ')}` },
    ]);
  }
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_DECISION_LIMIT;
  return Math.max(1, Math.min(MAX_DECISION_LIMIT, Math.floor(limit)));
}
