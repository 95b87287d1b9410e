import type { Principal } from '@kairos/access';
import { KairosError } from '@kairos/contracts';
import { type ProfileState, profileOf } from '@kairos/profile';
import { type ReasonCode, readSignatureFeatures } from '@kairos/scoring';
import type { CustomerScoreRequest } from '../http/scoring-requests';
import type { ScoringMetrics } from '../monitoring/scoring-metrics';
import type { ScoringServiceOptions } from '../scoring-options';
import { LiveModelSet, type LiveVersion } from './live-models';

/** Attributions per output in an API answer and its audit record. */
const API_ATTRIBUTIONS = 10;

export interface ModelScoreView {
  readonly modelId: string;
  readonly version: string;
  readonly stage: string;
  readonly scores: readonly { readonly output: string; readonly key: string; readonly score: number }[];
  readonly reasons: readonly ReasonCode[];
  readonly attributions: Readonly<Record<string, readonly { feature: string; contribution: number }[]>>;
  readonly imputed: readonly string[];
}

export interface ScoreRefusal {
  readonly modelId: string;
  /** Machine-readable: `objected:profiling`, `consent_missing:<purpose>:any`, `missing_feature:<names>`. */
  readonly reason: string;
}

export interface CustomerScores {
  readonly customerId: string;
  readonly scoredAt: string;
  readonly models: readonly ModelScoreView[];
  readonly refusals: readonly ScoreRefusal[];
}

/**
 * POST /v1/score: the serving version of each asked model scores the customer's live profile on the owning
 * worker, with reasons. Consent comes first and per model: a model any of whose purposes the customer does not allow
 * is not computed at all (G2); when no model may score, the answer is a 403 that says why. The scores given out
 * are written to the audit log (`score_computed`), so the DPO can see which version scored whom and why.
 */
export class CustomerScoringService {
  constructor(
    private readonly options: ScoringServiceOptions,
    private readonly live: LiveModelSet,
    private readonly metrics: ScoringMetrics,
  ) {}

  async score(principal: Principal, request: CustomerScoreRequest): Promise<CustomerScores> {
    const nowMs = (this.options.clock ?? Date.now)();
    const { customerId } = request;
    const partition = this.options.profiles.partitionOf(customerId);
    const store = this.options.profiles.store(partition);
    if (!store) throw new KairosError('NOT_PARTITION_OWNER', `partition ${partition} is not served by this process right now; retry shortly`, [], 1);
    const versions = this.servingVersions(request, customerId);

    const refusals: ScoreRefusal[] = [];
    const allowedVersions: LiveVersion[] = [];
    const consentCache = new Map<string, { allowed: boolean; reason: string }>();
    for (const version of versions) {
      let refusal: string | null = null;
      for (const purpose of version.purposes) {
        const decision = consentCache.get(purpose) ?? (await this.options.consent.may(customerId, purpose, null, nowMs));
        consentCache.set(purpose, decision);
        if (!decision.allowed) {
          refusal = decision.reason;
          break;
        }
      }
      if (refusal === null) allowedVersions.push(version);
      else {
        refusals.push({ modelId: version.modelId, reason: refusal });
        this.metrics.refusals.inc({ model: version.modelId, reason: refusal.split(':')[0] });
      }
    }
    if (allowedVersions.length === 0) {
      throw new KairosError(
        'FORBIDDEN',
        'the customer is not scored: no asked model may process their data',
        refusals.map((refusal) => ({ path: `models.${refusal.modelId}`, rule: refusal.reason.split(':')[0], message: refusal.reason })),
      );
    }

    const state = profileOf(store, customerId);
    const models: ModelScoreView[] = [];
    for (const version of allowedVersions) {
      const view = await this.scoreOne(version, customerId, state, nowMs);
      if ('reason' in view) refusals.push(view);
      else models.push(view);
    }
    await this.audit(principal, customerId, models, refusals, nowMs);
    return { customerId, scoredAt: new Date(nowMs).toISOString(), models, refusals };
  }

  private servingVersions(request: CustomerScoreRequest, customerId: string): LiveVersion[] {
    const ids = request.models ?? [...this.live.all()].map((model) => model.modelId);
    return ids.map((modelId, index) => {
      const model = this.live.get(modelId);
      const serving = model && LiveModelSet.servingFor(model, customerId);
      if (!serving) throw new KairosError('NOT_FOUND', `model ${modelId} has no version in service`, [{ path: `models[${index}]`, rule: 'not_in_service', message: 'no production or canary version' }]);
      return serving;
    });
  }

  private async scoreOne(version: LiveVersion, customerId: string, state: ProfileState | undefined, nowMs: number): Promise<ModelScoreView | ScoreRefusal> {
    const signature = version.scorer.card.signature;
    const features = state ? readSignatureFeatures(state, this.options.features, signature, nowMs) : Object.fromEntries(signature.inputs.map((input) => [input.name, null]));
    const result = await version.scorer.score({ customerId, features, asOfMs: nowMs });
    if (result.status !== 'scored') {
      this.metrics.refusals.inc({ model: version.modelId, reason: result.reason });
      return { modelId: version.modelId, reason: `${result.reason}:${result.missing.map((m) => m.feature).join(',')}` };
    }
    version.stats.served.api++;
    const scores = version.keys.slice(1).map(([key, output]) => ({ output: result.scores[output].name, key, score: result.scores[output].score }));
    for (const score of scores) this.metrics.scoreValues.observe({ model: version.modelId, output: score.output, stage: version.stage }, score.score);
    const attributions = Object.fromEntries(
      (result.explanation?.outputs ?? []).map((output) => [output.output, output.attributions.slice(0, API_ATTRIBUTIONS).map((a) => ({ feature: a.feature, contribution: a.contribution }))]),
    );
    return {
      modelId: version.modelId,
      version: version.version,
      stage: version.stage,
      scores,
      reasons: result.explanation?.reasons ?? [],
      attributions,
      imputed: result.imputed.map((missing) => missing.feature),
    };
  }

  private async audit(principal: Principal, customerId: string, models: readonly ModelScoreView[], refusals: readonly ScoreRefusal[], nowMs: number): Promise<void> {
    await this.options.audit.append({
      kind: 'score_computed',
      actor: { type: 'principal', principalId: principal.id, role: principal.role },
      subject: customerId,
      logic: {
        models: models.flatMap((model) =>
          model.scores.map((score) => ({ modelId: `${model.modelId}/${score.output}`, version: model.version, stage: model.stage, score: score.score, attributions: [...(model.attributions[score.output] ?? [])] })),
        ),
      },
      reasons: [...models.flatMap((model) => model.reasons.map((reason) => reason.code)), ...refusals.map((refusal) => `not_scored:${refusal.modelId}:${refusal.reason}`)].slice(0, 200),
      occurredAtMs: nowMs,
    });
  }
}
