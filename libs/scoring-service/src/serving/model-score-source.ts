import type { FeatureSource, ModelScore } from '@kairos/decisioning';
import type { ModelScorer, ScoreRequest, ScoreResult, ScoredResult } from '@kairos/scoring';
import { CustomerScoreCache, type VersionScores } from './customer-score-cache';
import { LiveModelSet, type LiveModel, type LiveVersion } from './live-models';

/** Attributions carried per score into the decision (and its audit record): the largest few. */
const DECISION_ATTRIBUTIONS = 5;

type Attributions = readonly { readonly feature: string; readonly contribution: number }[];

/** A version scored ahead of the decision, with its attributions per output. */
interface PreparedScore {
  readonly result: ScoredResult;
  readonly attributions: readonly Attributions[];
}

/**
 * Scores of the serving versions that only score asynchronously (ONNX: a native session behind a promise),
 * computed before the synchronous decision and handed to `scoresFor`. Keyed by the loaded version, so a registry
 * refresh in between (another version now serving) leaves that model unscored rather than scored by the old one.
 */
export class PreparedScores {
  constructor(
    readonly byVersion: ReadonlyMap<LiveVersion, PreparedScore>,
    /** Versions not scored again: their scores of the customer's profile revision `revision` were still cached. */
    readonly cached: ReadonlyMap<LiveVersion, VersionScores> = new Map(),
    /** The profile revision these scores were computed (or found) for; undefined when the caller gave none. */
    readonly revision?: string,
  ) {}
}

/**
 * The decision core's ScoreSource (libs/decisioning-service decision-sources.ts): scores of the serving version
 * (production, or the canary for its share) of every live model whose purposes the customer allows, with the top
 * attributions. A model with a purpose the customer does not allow (an Art. 21 objection to profiling) is not
 * scored at all (G2). Shadow versions are scored on the same features and counted, never returned.
 *
 * TF.js versions score synchronously inside the decision. ONNX versions score in `prepare`, which the decision
 * service awaits before it decides (beside the content lookup), with model-agnostic attributions (sampled Shapley);
 * `scoresFor` then uses those results, gated by consent again at decision time. Callers that do not prepare (the
 * trigger path's rescoring) get the synchronous versions only.
 *
 * A caller that passes the customer's profile `revision` (the decision path) gets scores from the
 * `CustomerScoreCache` while that revision and the serving version are unchanged (bounded in age) — ONNX versions are
 * then not scored again in `prepare` either; consent is still asked first, every time.
 */
export class ModelScoreSource {
  constructor(
    private readonly live: LiveModelSet,
    private readonly cache: CustomerScoreCache = new CustomerScoreCache(),
  ) {}

  /**
   * Scores the asynchronous serving versions the customer allows; null (nothing to await) when none is live, so a
   * deployment of TF.js models only never pays for it.
   */
  prepare(
    customerId: string,
    features: FeatureSource,
    nowMs: number,
    allowed: (purpose: string) => boolean,
    models?: ReadonlySet<string>,
    /** The customer's profile revision, asked only when an asynchronous version serves them. */
    revisionOf?: () => string,
  ): Promise<PreparedScores> | null {
    const pending: Promise<readonly [LiveVersion, ScoreResult]>[] = [];
    const cached = new Map<LiveVersion, VersionScores>();
    let revision: string | undefined;
    for (const model of this.live.all()) {
      // Synchronous versions first: a deployment without asynchronous ones asks nothing of the customer here.
      if (model.production?.scorer.synchronous !== false && model.canary?.scorer.synchronous !== false) continue;
      const serving = servingVersion(model, customerId, allowed, models);
      if (!serving || serving.scorer.synchronous) continue;
      revision ??= revisionOf?.();
      const known = revision === undefined ? undefined : this.cache.get(customerId, revision, serving, nowMs);
      if (known !== undefined) cached.set(serving, known);
      else pending.push(serving.scorer.score(scoreRequest(serving.scorer, customerId, features, nowMs)).then((result) => [serving, result] as const));
    }
    if (pending.length === 0 && cached.size === 0) return null;
    return Promise.all(pending).then((results) => {
      const byVersion = new Map<LiveVersion, PreparedScore>();
      for (const [version, result] of results) {
        if (result.status === 'scored') byVersion.set(version, { result, attributions: topAttributions(result) });
      }
      return new PreparedScores(byVersion, cached, revision);
    });
  }

  scoresFor(
    customerId: string,
    features: FeatureSource,
    nowMs: number,
    allowed: (purpose: string) => boolean,
    models?: ReadonlySet<string>,
    prepared?: PreparedScores | null,
    revision?: string,
  ): Readonly<Record<string, ModelScore>> {
    const scores: Record<string, ModelScore> = {};
    for (const model of this.live.all()) {
      if (models && !models.has(model.modelId)) continue;
      const serving = LiveModelSet.servingFor(model, customerId);
      if (!serving) continue;
      // Consent and objections are checked on every decision, before the cache is read; a customer a model may no
      // longer score keeps no cached score of any model (G2).
      if (!serving.purposes.every(allowed)) {
        if (revision !== undefined) this.cache.forget(customerId);
        continue;
      }
      const cached = revision === undefined ? undefined : this.cache.get(customerId, revision, serving, nowMs);
      if (cached !== undefined) {
        serving.stats.served.decision++;
        for (const [key, score] of cached) scores[key] = score;
        continue;
      }
      if (!serving.scorer.synchronous) {
        const ready = prepared?.byVersion.get(serving);
        const versionScores = ready ? scoresOf(serving, ready.result, (output) => ready.attributions[output] ?? []) : prepared?.cached.get(serving);
        if (!versionScores) continue;
        serving.stats.served.decision++;
        for (const [key, score] of versionScores) scores[key] = score;
        // Kept only when no event reached the customer between prepare and now: the scores are of this revision.
        if (ready && revision !== undefined && prepared?.revision === revision) this.cache.set(customerId, revision, serving, nowMs, versionScores);
        continue;
      }
      const request = scoreRequest(serving.scorer, customerId, features, nowMs);
      const result = serving.scorer.scoreSync(request, { explain: false });
      if (result.status !== 'scored') continue;
      serving.stats.served.decision++;
      const versionScores = scoresOf(serving, result, lazyExplanation(serving.scorer, request));
      for (const [key, score] of versionScores) scores[key] = score;
      if (revision !== undefined) this.cache.set(customerId, revision, serving, nowMs, versionScores);
      for (const shadow of model.shadows) this.shadowScore(shadow, result, customerId, features, nowMs, allowed);
    }
    return scores;
  }

  /** Scores a shadow version for comparison only: counted and measured against the served score, then dropped. */
  private shadowScore(shadow: LiveVersion, served: ScoredResult, customerId: string, features: FeatureSource, nowMs: number, allowed: (purpose: string) => boolean): void {
    if (!shadow.scorer.synchronous || !shadow.purposes.every(allowed)) return;
    const result = shadow.scorer.scoreSync(scoreRequest(shadow.scorer, customerId, features, nowMs), { explain: false });
    if (result.status !== 'scored') return;
    shadow.stats.served.shadow++;
    shadow.stats.shadowGapSum += Math.abs(result.scores[0].score - served.scores[0].score);
    shadow.stats.shadowGapCount++;
  }
}

/** The version that scores this customer for a decision, if the model is asked for and its purposes allowed. */
function servingVersion(model: LiveModel, customerId: string, allowed: (purpose: string) => boolean, models: ReadonlySet<string> | undefined): LiveVersion | undefined {
  if (models && !models.has(model.modelId)) return undefined;
  const serving = LiveModelSet.servingFor(model, customerId);
  return serving && serving.purposes.every(allowed) ? serving : undefined;
}

function scoreRequest(scorer: ModelScorer, customerId: string, features: FeatureSource, nowMs: number): ScoreRequest {
  const values: Record<string, unknown> = {};
  for (const input of scorer.card.signature.inputs) values[input.name] = features(input.name) ?? null;
  return { customerId, features: values, asOfMs: nowMs };
}

/** The largest few attributions of each output, as a decision carries them. */
function topAttributions(result: ScoreResult): Attributions[] {
  if (result.status !== 'scored' || !result.explanation) return [];
  return result.explanation.outputs.map((o) => o.attributions.slice(0, DECISION_ATTRIBUTIONS).map((a) => ({ feature: a.feature, contribution: a.contribution })));
}

/**
 * Attributions cost more than the score (integrated gradients over every output), and a decision reads them only
 * for the scores it uses and audits: computed on first read, once for all outputs of the version. The request is let
 * go once they are, since a cached score keeps this function.
 */
function lazyExplanation(scorer: ModelScorer, request: ScoreRequest): (output: number) => Attributions {
  let outputs: readonly Attributions[] | null = null;
  let pending: ScoreRequest | null = request;
  return (output) => {
    if (outputs === null) {
      outputs = topAttributions(scorer.scoreSync(pending as ScoreRequest));
      pending = null;
    }
    return outputs[output] ?? [];
  };
}

/** The version's scores under every key a decision reads them by; the objects are immutable, so a cache may share them. */
function scoresOf(version: LiveVersion, result: ScoredResult, explain: (output: number) => Attributions): VersionScores {
  return version.keys.map(([key, output]) => {
    const score = result.scores[output].score;
    const modelScore: ModelScore = {
      score,
      version: version.version,
      stage: version.stage,
      get attributions() {
        return explain(output);
      },
    };
    return [key, modelScore] as const;
  });
}
