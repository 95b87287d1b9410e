import * as tf from '@tensorflow/tfjs';
import { Calibration, ModelCard, ModelCardDeclaration, modelCardSchema } from '../card/model-card.schema';
import type { DatasetRow } from '../datasets/point-in-time-dataset';
import { fitPlattCalibration } from '../metrics/platt-calibration';
import { referenceBins } from '../monitoring/population-stability';
import { ModelScorer } from '../runtime/model-scorer';
import { FeatureVectorEncoder } from '../signature/feature-vector-encoder';
import { ModelOutput, modelSignatureSchema } from '../signature/model-signature.schema';
import { TfjsLayersRunner } from '../tfjs/tfjs-layers-runner';
import { NetworkSettings, TrainingLog, TrainingMatrix, buildNetwork, trainNetwork } from './classifier-network';
import { PlannedInput, fitInput, quantile } from './input-statistics';
import { evaluateOnRows } from './model-evaluation';

/** What a model author declares; the library derives encodings, trains, calibrates, evaluates and writes the card. */
export interface ClassifierSpec {
  readonly card: Pick<ModelCardDeclaration, 'modelId' | 'version' | 'family' | 'title' | 'purposes' | 'intendedUse' | 'outOfScope' | 'limitations' | 'fairness'>;
  readonly inputs: readonly PlannedInput[];
  /** Each output with the dataset label it learns. */
  readonly outputs: readonly (ModelOutput & { readonly label: string })[];
  readonly network: NetworkSettings;
  /** Platt-scale each output on the validation rows (default true). */
  readonly calibrate?: boolean;
  readonly explanationSteps?: number;
  /** The command that reproduces this training, recorded in the card. */
  readonly command: string;
}

export interface ClassifierData {
  readonly train: readonly DatasetRow[];
  readonly validation: readonly DatasetRow[];
  readonly holdout: readonly DatasetRow[];
  readonly source: string;
  readonly holdoutDescription: string;
  readonly cutoffs: readonly string[];
  readonly labelDescriptions: Readonly<Record<string, string>>;
  readonly registryFingerprint: string;
  readonly datasetSeconds?: number;
}

export interface TrainedClassifier {
  readonly model: tf.LayersModel;
  readonly card: ModelCard;
  readonly scorer: ModelScorer;
  readonly log: TrainingLog;
}

/**
 * Trains a calibrated, explainable classifier from point-in-time rows: fits the signature's encodings on the
 * training rows, trains a small dense network (seeded), Platt-scales each output on the validation rows, measures
 * it on the held-out rows (overall and by age band), takes the median customer as the explanation baseline and
 * the training distributions as the drift reference, and returns model and card together.
 */
export async function trainClassifier(spec: ClassifierSpec, data: ClassifierData, backend: string): Promise<TrainedClassifier> {
  const labels = spec.outputs.map((output) => output.label);
  const applies = (row: DatasetRow): boolean => labels.some((label) => row.labels[label] !== null && row.labels[label] !== undefined);
  const train = data.train.filter(applies);
  const validation = data.validation.filter(applies);
  const holdout = data.holdout.filter(applies);

  // Encodings are fitted on natural values so imputation, transforms and clipping match serving exactly.
  const bare = new FeatureVectorEncoder(
    modelSignatureSchema.parse({ inputs: spec.inputs.map((input) => ({ ...input })), outputs: spec.outputs.map(({ name, description, label }) => ({ name, description, label })) }),
  );
  const naturals = train.map((row) => bare.naturalValues(row.features, row.asOfMs));
  const signature = modelSignatureSchema.parse({
    inputs: spec.inputs.map((plan, i) => fitInput(plan, naturals.map((values) => values[i]))),
    outputs: spec.outputs.map(({ name, description, label }) => ({ name, description, label })),
  });
  const encoder = new FeatureVectorEncoder(signature);

  const started = performance.now();
  const model = buildNetwork(encoder.width, spec.outputs.length, spec.network);
  const log = await trainNetwork(model, toMatrix(encoder, train, labels), toMatrix(encoder, validation, labels), spec.network);
  const durationSeconds = (performance.now() - started) / 1000;

  const baseline = medianCustomer(signature.inputs, naturals);
  const draft = (calibration: Record<string, Calibration>): ModelCard =>
    modelCardSchema.parse({
      schemaVersion: 1,
      ...spec.card,
      format: 'tfjs-layers',
      signature,
      calibration,
      explanation: { method: 'integrated_gradients', baseline, steps: spec.explanationSteps ?? 32, topReasons: 3 },
    });
  const runner = new TfjsLayersRunner(model);
  const raw = new ModelScorer(draft({}), runner);

  const calibration: Record<string, Calibration> = {};
  if (spec.calibrate !== false) {
    const scored = await raw.scoreBatch(validation.map((row) => ({ features: row.features, asOfMs: row.asOfMs })), { explain: false });
    spec.outputs.forEach((output, o) => {
      const scores: number[] = [];
      const outcomes: boolean[] = [];
      validation.forEach((row, r) => {
        const label = row.labels[output.label];
        const result = scored[r];
        if (label === null || label === undefined || result.status !== 'scored') return;
        scores.push(result.scores[o].rawScore);
        outcomes.push(label);
      });
      calibration[output.name] = fitPlattCalibration(scores, outcomes);
    });
  }
  const scorer = new ModelScorer(draft(calibration), runner);
  const labelOf = Object.fromEntries(spec.outputs.map((output) => [output.name, output.label]));
  const evaluation = await evaluateOnRows(scorer, holdout, labelOf);
  const trainScores = await scorer.scoreEncoded(toMatrix(encoder, train, labels).inputs, train.length);

  const card = modelCardSchema.parse({
    ...draft(calibration),
    data: {
      source: data.source,
      rows: { train: train.length, validation: validation.length, holdout: holdout.length },
      cutoffs: [...data.cutoffs],
      labels: Object.fromEntries(spec.outputs.map((output) => [output.label, data.labelDescriptions[output.label] ?? output.description])),
      registryFingerprint: data.registryFingerprint,
    },
    training: {
      command: spec.command,
      seed: spec.network.seed,
      framework: `@tensorflow/tfjs ${tf.version.tfjs}`,
      backend,
      architecture: `dense ${[encoder.width, ...spec.network.hiddenUnits, spec.outputs.length].join('→')} (relu, sigmoid heads), masked binary cross-entropy, Adam ${spec.network.learningRate}, L2 ${spec.network.l2}, batch ${spec.network.batchSize}, best of ${spec.network.epochs} epochs by validation loss (epoch ${log.bestEpoch + 1})`,
      epochs: spec.network.epochs,
      durationSeconds: round(durationSeconds, 1),
      ...(data.datasetSeconds === undefined ? {} : { datasetSeconds: round(data.datasetSeconds, 1) }),
      parameters: model.countParams(),
    },
    metrics: {
      dataset: data.holdoutDescription,
      holdout: Object.fromEntries(Object.entries(evaluation).map(([name, e]) => [name, roundMetrics(e.metrics)])),
      uncalibrated: Object.fromEntries(Object.entries(evaluation).map(([name, e]) => [name, roundMetrics(e.uncalibrated)])),
      bySegment: Object.fromEntries(
        Object.entries(evaluation).map(([name, e]) => [
          name,
          Object.fromEntries(Object.entries(e.bySegment).map(([kind, groups]) => [kind, Object.fromEntries(Object.entries(groups).map(([g, m]) => [g, 'tooSmall' in m ? m : roundMetrics(m)]))])),
        ]),
      ),
    },
    monitoring: {
      features: Object.fromEntries(
        signature.inputs
          .map((input, i) => [input, i] as const)
          .filter(([input]) => input.type !== 'string')
          .map(([input, i]) => [input.name, roundBins(referenceBins(naturals.map((values) => (typeof values[i] === 'number' ? (values[i] as number) : NaN))))]),
      ),
      scores: Object.fromEntries(spec.outputs.map((output, o) => [output.name, roundBins(referenceBins(strided(trainScores, spec.outputs.length, o)))])),
    },
  });
  return { model, card, scorer: new ModelScorer(card, runner), log };
}

function toMatrix(encoder: FeatureVectorEncoder, rows: readonly DatasetRow[], labels: readonly string[]): TrainingMatrix {
  const inputs = new Float32Array(rows.length * encoder.width);
  const targets = new Float32Array(rows.length * labels.length);
  rows.forEach((row, r) => {
    encoder.encodeInto(row.features, row.asOfMs, inputs, r * encoder.width);
    labels.forEach((label, l) => {
      const value = row.labels[label];
      targets[r * labels.length + l] = value === null || value === undefined ? -1 : value ? 1 : 0;
    });
  });
  return { inputs, targets, rows: rows.length, width: encoder.width, outputs: labels.length };
}

/** The reference customer for explanations: each feature's training median (the most frequent category for strings). */
function medianCustomer(inputs: readonly { name: string; type: string }[], naturals: readonly (number | string | null)[][]): Record<string, number | string> {
  const baseline: Record<string, number | string> = {};
  inputs.forEach((input, i) => {
    const values = naturals.map((row) => row[i]).filter((v) => v !== null);
    if (input.type === 'string') {
      const counts = new Map<string, number>();
      for (const v of values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
      baseline[input.name] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
    } else {
      baseline[input.name] = round(quantile((values as number[]).sort((a, b) => a - b), 0.5), 4);
    }
  });
  return baseline;
}

function strided(values: Float32Array, stride: number, offset: number): Float64Array {
  const out = new Float64Array(values.length / stride);
  for (let i = 0; i < out.length; i++) out[i] = values[i * stride + offset];
  return out;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function roundMetrics<T extends object>(metrics: T): T {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? round(v, 5) : v])) as T;
}

function roundBins(bins: { edges: number[]; proportions: number[] }): { edges: number[]; proportions: number[] } {
  return { edges: bins.edges.map((e) => Number(e.toPrecision(6))), proportions: bins.proportions.map((p) => round(p, 5)) };
}
