import type { FeatureSource, ModelScore } from '@kairos/decisioning';
import type { LabelDefinition } from '@kairos/scoring';
import type { LiveModelSet, LiveVersion } from '../serving/live-models';
import { ModelScoreSource, type PreparedScores } from '../serving/model-score-source';
import { type ServedScoreOutcomes, labelDefinitionFor } from './served-score-outcomes';

type OutputLabels = readonly { readonly name: string; readonly label: LabelDefinition | null; readonly key: string }[];

/**
 * The decision core's ScoreSource, plus: every score it serves is handed to the outcome tracker (customer, time,
 * version, per output the label its card names), so AUC over time can follow once the labels arrive.
 */
export class OutcomeRecordingScoreSource extends ModelScoreSource {
  private readonly labels = new WeakMap<LiveVersion, OutputLabels>();

  constructor(
    private readonly models: LiveModelSet,
    private readonly outcomes: ServedScoreOutcomes,
  ) {
    super(models);
  }

  override scoresFor(
    customerId: string,
    features: FeatureSource,
    nowMs: number,
    allowed: (purpose: string) => boolean,
    models?: ReadonlySet<string>,
    prepared?: PreparedScores | null,
    revision?: string,
  ): Readonly<Record<string, ModelScore>> {
    const scores = super.scoresFor(customerId, features, nowMs, allowed, models, prepared, revision);
    for (const model of this.models.all()) {
      for (const version of [model.production, model.canary]) {
        if (!version) continue;
        const outputs = this.outputLabels(version);
        const served = outputs.filter((output) => scores[output.key]?.version === version.version);
        if (served.length === 0) continue;
        this.outcomes.recordServed(
          version.modelId,
          version.version,
          customerId,
          nowMs,
          served.map((output) => ({ name: output.name, label: output.label, score: scores[output.key]!.score })),
        );
      }
    }
    return scores;
  }

  private outputLabels(version: LiveVersion): OutputLabels {
    let outputs = this.labels.get(version);
    if (!outputs) {
      const signature = version.scorer.card.signature.outputs;
      // keys[0] repeats output 0 under the bare model id; the per-output keys follow.
      outputs = version.keys.slice(1).map(([key, index]) => ({ name: signature[index].name, label: labelDefinitionFor(signature[index].label), key }));
      this.labels.set(version, outputs);
    }
    return outputs;
  }
}
