import { KairosError } from '@kairos/contracts';
import type { Calibration, ModelCard } from '../card/model-card.schema';
import { integratedGradients } from '../explain/integrated-gradients';
import { reasonPhraseFor } from '../explain/reason-phrases';
import { sampledShapley } from '../explain/sampled-shapley';
import { calibrate } from '../metrics/platt-calibration';
import { EncodingOutcome, FeatureVectorEncoder } from '../signature/feature-vector-encoder';
import type { ModelRunner } from './model-runner';
import type { FeatureAttribution, OutputExplanation, ReasonCode, ScoreExplanation, ScoreOptions, ScoreRequest, ScoreResult } from './score-result';

/** Attributions may miss score − baseline score by this much (probability points) before the path is refined. */
const COMPLETENESS_TOLERANCE = 1e-3;
const MAX_INTEGRATION_STEPS = 2048;

/**
 * A model version ready to score: its card (signature, calibration, explanation settings) bound to a runner.
 * The decision path calls `scoreSync` (TF.js models, no await); channels and batch jobs call `score`/`scoreBatch`,
 * which also serve ONNX models. Missing features are imputed or refused as the card declares; never thrown.
 */
export class ModelScorer {
  readonly encoder: FeatureVectorEncoder;
  readonly outputNames: readonly string[];
  private readonly calibrations: readonly (Calibration | undefined)[];
  private readonly baseline: Float32Array;
  private readonly baselineNatural: readonly (number | string | null)[];
  private readonly scratch: Float32Array;

  constructor(
    readonly card: ModelCard,
    readonly runner: ModelRunner,
  ) {
    this.encoder = new FeatureVectorEncoder(card.signature);
    if (this.encoder.width !== runner.inputWidth || card.signature.outputs.length !== runner.outputCount) {
      throw new KairosError('VALIDATION_FAILED', 'the model does not match its signature', [
        {
          path: 'signature',
          rule: 'model_shape',
          message: `signature encodes ${this.encoder.width} columns and ${card.signature.outputs.length} outputs; the model takes ${runner.inputWidth} and gives ${runner.outputCount}`,
        },
      ]);
    }
    this.outputNames = card.signature.outputs.map((output) => output.name);
    this.calibrations = this.outputNames.map((name) => card.calibration[name]);
    this.baseline = this.encoder.encodeNatural(card.explanation.baseline);
    this.baselineNatural = card.signature.inputs.map((input) => {
      const value = card.explanation.baseline[input.name];
      return typeof value === 'boolean' ? (value ? 1 : 0) : (value ?? null);
    });
    this.scratch = new Float32Array(this.encoder.width);
  }

  get modelId(): string {
    return this.card.modelId;
  }

  get version(): string {
    return this.card.version;
  }

  /** Whether `scoreSync` works with this runner (TF.js yes, ONNX no). */
  get synchronous(): boolean {
    return this.runner.runSync !== undefined && (this.card.explanation.method !== 'integrated_gradients' || this.runner.logitGradients !== undefined);
  }

  /** Scores one customer without awaiting: the in-process decision path. */
  scoreSync(request: ScoreRequest, options: ScoreOptions = {}): ScoreResult {
    const runSync = this.runner.runSync;
    if (!runSync) throw new KairosError('INTERNAL', `model ${this.card.modelId} runs asynchronously; use score()`);
    const input = this.scratch;
    const outcome = this.encoder.encodeInto(request.features, request.asOfMs, input);
    if (!outcome.ok) return this.refused(request, outcome);
    const raw = runSync.call(this.runner, input, 1);
    const explanation = options.explain === false ? undefined : this.explainGradients(input, request);
    return this.scored(request, outcome, raw, 0, explanation);
  }

  async score(request: ScoreRequest, options: ScoreOptions = {}): Promise<ScoreResult> {
    return (await this.scoreBatch([request], options))[0];
  }

  /** Scores many customers with one model call; explanations (when asked) are computed per customer. */
  async scoreBatch(requests: readonly ScoreRequest[], options: ScoreOptions = {}): Promise<ScoreResult[]> {
    const width = this.encoder.width;
    const matrix = new Float32Array(requests.length * width);
    const outcomes = requests.map((request, r) => this.encoder.encodeInto(request.features, request.asOfMs, matrix, r * width));
    const raw = requests.length === 0 ? new Float32Array(0) : await this.runner.run(matrix, requests.length);
    const results: ScoreResult[] = [];
    for (let r = 0; r < requests.length; r++) {
      const outcome = outcomes[r];
      if (!outcome.ok) {
        results.push(this.refused(requests[r], outcome));
        continue;
      }
      let explanation: ScoreExplanation | undefined;
      if (options.explain !== false) {
        const input = matrix.subarray(r * width, (r + 1) * width);
        explanation = this.runner.logitGradients && this.card.explanation.method === 'integrated_gradients' ? this.explainGradients(input, requests[r]) : await this.explainShapley(input, requests[r]);
      }
      results.push(this.scored(requests[r], outcome, raw, r, explanation));
    }
    return results;
  }

  /**
   * Calibrated scores for already encoded rows (rows × outputs, row-major): the batch path for whole segments,
   * where building result objects per customer would cost more than the model.
   */
  async scoreEncoded(matrix: Float32Array, rows: number): Promise<Float32Array> {
    return this.calibrateMatrix(await this.runner.run(matrix, rows), rows);
  }

  scoreEncodedSync(matrix: Float32Array, rows: number): Float32Array {
    const runSync = this.runner.runSync;
    if (!runSync) throw new KairosError('INTERNAL', `model ${this.card.modelId} runs asynchronously; use scoreEncoded()`);
    return this.calibrateMatrix(runSync.call(this.runner, matrix, rows), rows);
  }

  private calibrateMatrix(raw: Float32Array, rows: number): Float32Array {
    const outputs = this.outputNames.length;
    for (let o = 0; o < outputs; o++) {
      const calibration = this.calibrations[o];
      if (!calibration || calibration.kind === 'none') continue;
      for (let r = 0; r < rows; r++) raw[r * outputs + o] = calibrate(raw[r * outputs + o], calibration);
    }
    return raw;
  }

  private scored(request: ScoreRequest, outcome: EncodingOutcome & { ok: true }, raw: Float32Array, row: number, explanation: ScoreExplanation | undefined): ScoreResult {
    const outputs = this.outputNames.length;
    return {
      status: 'scored',
      modelId: this.card.modelId,
      version: this.card.version,
      ...(request.customerId === undefined ? {} : { customerId: request.customerId }),
      scores: this.outputNames.map((name, o) => {
        const rawScore = raw[row * outputs + o];
        return { name, score: calibrate(rawScore, this.calibrations[o]), rawScore };
      }),
      imputed: outcome.imputed,
      ...(explanation ? { explanation } : {}),
    };
  }

  private refused(request: ScoreRequest, outcome: EncodingOutcome & { ok: false }): ScoreResult {
    return {
      status: 'refused',
      modelId: this.card.modelId,
      version: this.card.version,
      ...(request.customerId === undefined ? {} : { customerId: request.customerId }),
      reason: outcome.reason,
      missing: outcome.missing,
    };
  }

  private explainGradients(input: Float32Array, request: ScoreRequest): ScoreExplanation {
    const natural = this.encoder.naturalValues(request.features, request.asOfMs);
    const exact = this.runner.exactIntegratedGradients?.(input, this.baseline, this.calibrations) ?? null;
    if (exact) {
      const outputs = this.outputNames.map((name, o) => {
        const perInput = this.sumByInput(exact.columns[o]);
        const gap = perInput.reduce((sum, value) => sum + value, 0) - (exact.scores[o] - exact.baselineScores[o]);
        return this.outputExplanation(name, perInput, natural, exact.scores[o], exact.baselineScores[o], gap);
      });
      return { method: 'integrated_gradients', outputs, reasons: this.reasons(outputs) };
    }
    const logitGradients = this.runner.logitGradients;
    if (!logitGradients) throw new KairosError('INTERNAL', 'integrated gradients need a differentiable model');
    const runner = { inputWidth: this.runner.inputWidth, logitGradients: logitGradients.bind(this.runner) };
    const outputs = this.outputNames.map((name, o) => {
      // Riemann error is largest where ReLU kinks crowd the path: refine until the attributions add up.
      let steps = this.card.explanation.steps;
      let ig = integratedGradients(runner, input, this.baseline, o, this.calibrations[o], steps);
      while (Math.abs(ig.completenessGap) > COMPLETENESS_TOLERANCE && steps < MAX_INTEGRATION_STEPS) {
        steps = Math.min(MAX_INTEGRATION_STEPS, steps * 4);
        ig = integratedGradients(runner, input, this.baseline, o, this.calibrations[o], steps);
      }
      return this.outputExplanation(name, this.sumByInput(ig.columns), natural, ig.score, ig.baselineScore, ig.completenessGap);
    });
    return { method: 'integrated_gradients', outputs, reasons: this.reasons(outputs) };
  }

  private async explainShapley(input: Float32Array, request: ScoreRequest): Promise<ScoreExplanation> {
    const natural = this.encoder.naturalValues(request.features, request.asOfMs);
    const outputCount = this.outputNames.length;
    const predict = async (rows: Float32Array, count: number): Promise<Float64Array> => Float64Array.from(this.calibrateMatrix(await this.runner.run(rows, count), count));
    const shapley = await sampledShapley(predict, this.encoder.columnInput, this.encoder.inputs.length, input, this.baseline, outputCount, this.card.explanation.steps);
    const outputs = this.outputNames.map((name, o) => {
      const perInput = this.encoder.inputs.map((_, i) => shapley.values[i * outputCount + o]);
      const gap = perInput.reduce((sum, value) => sum + value, 0) - (shapley.scores[o] - shapley.baselineScores[o]);
      return this.outputExplanation(name, perInput, natural, shapley.scores[o], shapley.baselineScores[o], gap);
    });
    return { method: 'sampled_shapley', outputs, reasons: this.reasons(outputs) };
  }

  /** Column attributions added up per input (a one-hot string feature spans several columns). */
  private sumByInput(columns: Float64Array): number[] {
    const perInput = new Array<number>(this.encoder.inputs.length).fill(0);
    for (let c = 0; c < this.encoder.width; c++) perInput[this.encoder.columnInput[c]] += columns[c];
    return perInput;
  }

  private outputExplanation(output: string, perInput: readonly number[], natural: readonly (number | string | null)[], score: number, baselineScore: number, gap: number): OutputExplanation {
    const attributions: FeatureAttribution[] = this.encoder.inputs.map((input, i) => ({
      feature: input.name,
      value: natural[i],
      baselineValue: this.baselineNatural[i],
      contribution: perInput[i],
    }));
    attributions.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
    return { output, score, baselineScore, completenessGap: gap, attributions };
  }

  private reasons(outputs: readonly OutputExplanation[]): ReasonCode[] {
    const top = this.card.explanation.topReasons;
    const reasons: ReasonCode[] = [];
    for (const output of outputs) {
      for (const attribution of output.attributions.slice(0, top)) {
        // A contribution below a hundredth of a percentage point explains nothing a person would notice.
        if (Math.abs(attribution.contribution) < 1e-4) continue;
        const side = isHigher(attribution.value, attribution.baselineValue) ? 'higher' : 'lower';
        const phrase = reasonPhraseFor(attribution.feature);
        reasons.push({
          code: `${attribution.feature}.${side}`,
          output: output.output,
          feature: attribution.feature,
          direction: attribution.contribution > 0 ? 'raises' : 'lowers',
          contribution: attribution.contribution,
          text: { en: phrase.en[side], de: phrase.de[side] },
        });
      }
    }
    return reasons;
  }
}

function isHigher(value: number | string | null, baseline: number | string | null): boolean {
  if (typeof value === 'number' && typeof baseline === 'number') return value > baseline;
  return value !== baseline;
}
