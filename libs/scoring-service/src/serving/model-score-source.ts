import type { FeatureSource, ModelScore } from '@kairos/decisioning';
import type { ModelScorer, ScoreRequest, ScoredResult } from '@kairos/scoring';
import { LiveModelSet, type LiveVersion } from './live-models';

/** Attributions carried per score into the decision (and its audit record): the largest few. */
const DECISION_ATTRIBUTIONS = 5;

/**
 * The decision core's ScoreSource (libs/decisioning-service decision-sources.ts): synchronous scores of the
 * serving version (production, or the canary for its share) of every live model whose purposes the customer
 * allows, with the top attributions. A model with a purpose the customer does not allow (an Art. 21 objection to
 * profiling) is not scored at all (G2). Shadow versions are scored on the same features and counted, never
 * returned. Versions that cannot score synchronously (ONNX) serve /v1/score and batches, not decisions.
 */
export class ModelScoreSource {
  constructor(private readonly live: LiveModelSet) {}

  scoresFor(customerId: string, features: FeatureSource, nowMs: number, allowed: (purpose: string) => boolean, models?: ReadonlySet<string>): Readonly<Record<string, ModelScore>> {
    const scores: Record<string, ModelScore> = {};
    for (const model of this.live.all()) {
      if (models && !models.has(model.modelId)) continue;
      const serving = LiveModelSet.servingFor(model, customerId);
      if (!serving || !serving.scorer.synchronous || !serving.purposes.every(allowed)) continue;
      const request = { customerId, features: featureValues(serving.scorer, features), asOfMs: nowMs };
      const result = serving.scorer.scoreSync(request, { explain: false });
      if (result.status !== 'scored') continue;
      serving.stats.served.decision++;
      addScores(scores, serving, result, lazyExplanation(serving.scorer, request));
      for (const shadow of model.shadows) this.shadowScore(shadow, result, customerId, features, nowMs, allowed);
    }
    return scores;
  }

  /** Scores a shadow version for comparison only: counted and measured against the served score, then dropped. */
  private shadowScore(shadow: LiveVersion, served: ScoredResult, customerId: string, features: FeatureSource, nowMs: number, allowed: (purpose: string) => boolean): void {
    if (!shadow.scorer.synchronous || !shadow.purposes.every(allowed)) return;
    const result = shadow.scorer.scoreSync({ customerId, features: featureValues(shadow.scorer, features), asOfMs: nowMs }, { explain: false });
    if (result.status !== 'scored') return;
    shadow.stats.served.shadow++;
    shadow.stats.shadowGapSum += Math.abs(result.scores[0].score - served.scores[0].score);
    shadow.stats.shadowGapCount++;
  }
}

function featureValues(scorer: ModelScorer, features: FeatureSource): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const input of scorer.card.signature.inputs) values[input.name] = features(input.name) ?? null;
  return values;
}

type Attributions = readonly { readonly feature: string; readonly contribution: number }[];

/**
 * Attributions cost about a hundred times the score (integrated gradients over every output), and a decision reads
 * them only for the scores it uses and audits: computed on first read, once for all outputs of the version.
 */
function lazyExplanation(scorer: ModelScorer, request: ScoreRequest): (output: number) => Attributions {
  let outputs: readonly Attributions[] | null = null;
  return (output) => {
    if (outputs === null) {
      const explained = scorer.scoreSync(request);
      outputs = explained.status === 'scored' && explained.explanation ? explained.explanation.outputs.map((o) => o.attributions.slice(0, DECISION_ATTRIBUTIONS).map((a) => ({ feature: a.feature, contribution: a.contribution }))) : [];
    }
    return outputs[output] ?? [];
  };
}

function addScores(scores: Record<string, ModelScore>, version: LiveVersion, result: ScoredResult, explain: (output: number) => Attributions): void {
  for (const [key, output] of version.keys) {
    scores[key] = {
      score: result.scores[output].score,
      version: version.version,
      stage: version.stage,
      get attributions() {
        return explain(output);
      },
    };
  }
}
