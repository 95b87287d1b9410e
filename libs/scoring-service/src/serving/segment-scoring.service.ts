import { KairosError } from '@kairos/contracts';
import { encodeSegmentFeatures } from '@kairos/scoring';
import type { BatchScoreRequest } from '../http/scoring-requests';
import type { ScoringServiceOptions } from '../scoring-options';
import type { LiveModelSet, LiveVersion } from './live-models';
import { type PopulationCount, type PopulationMember, allowedPopulation } from './owned-population';

const CHUNK = 4096;

/** Counts and shape of a segment's scores per output: no customer appears in it. */
export interface ScoreDistribution {
  readonly n: number;
  readonly mean: number | null;
  /** Customers per tenth of [0, 1]. */
  readonly histogram: readonly number[];
  readonly quantiles: { readonly p10: number | null; readonly p50: number | null; readonly p90: number | null };
  readonly selected: number;
}

export interface SegmentScores {
  readonly modelId: string;
  readonly version: string;
  readonly stage: string;
  readonly partitions: readonly number[];
  readonly customers: number;
  readonly scored: number;
  readonly notAllowed: number;
  readonly refusedMissingFeatures: number;
  readonly threshold: number;
  readonly outputs: Readonly<Record<string, ScoreDistribution>>;
  readonly durationMs: number;
  readonly customersPerSecond: number;
}

/** The version asked for (or production), among those loaded for scoring. */
export function liveVersion(live: LiveModelSet, modelId: string, version?: string): LiveVersion {
  const model = live.get(modelId);
  const candidates = model ? [model.production, model.canary, ...model.shadows].filter((v): v is LiveVersion => v !== undefined) : [];
  const chosen = version === undefined ? model?.production : candidates.find((candidate) => candidate.version === version);
  if (!chosen) {
    throw new KairosError('NOT_FOUND', version ? `model ${modelId} version ${version} is not live` : `model ${modelId} has no production version`, [
      { path: version ? 'version' : 'modelId', rule: 'not_live', message: 'only shadow, canary and production versions score' },
    ]);
  }
  return chosen;
}

/**
 * Scores of a population in chunks, with the members they belong to (index-aligned). Members of one store in a row
 * (the population walks store by store) are read a feature column at a time and encoded into one matrix per chunk;
 * a refused customer scores NaN.
 */
export async function scorePopulation(version: LiveVersion, members: readonly PopulationMember[], _options: ScoringServiceOptions, nowMs: number): Promise<{ scores: Float32Array; refused: number }> {
  const scorer = version.scorer;
  const outputs = scorer.outputNames.length;
  const width = scorer.encoder.width;
  const scores = new Float32Array(members.length * outputs);
  const target = { encoder: scorer.encoder, matrix: new Float32Array(CHUNK * width), refused: new Uint8Array(CHUNK) };
  const slots = new Int32Array(CHUNK);
  let refused = 0;
  let at = 0;
  while (at < members.length) {
    const store = members[at].state.store;
    let rows = 0;
    while (rows < CHUNK && at + rows < members.length && members[at + rows].state.store === store) {
      slots[rows] = members[at + rows].state.slot;
      rows++;
    }
    encodeSegmentFeatures(store, slots.subarray(0, rows), nowMs, [target]);
    const chunkScores = await scorer.scoreEncoded(target.matrix.subarray(0, rows * width), rows);
    for (let row = 0; row < rows; row++) {
      if (!target.refused[row]) continue;
      chunkScores.fill(NaN, row * outputs, (row + 1) * outputs);
      refused++;
    }
    scores.set(chunkScores.subarray(0, rows * outputs), at * outputs);
    at += rows;
  }
  return { scores, refused };
}

export function distributionOf(scores: Float32Array, outputs: number, output: number, threshold: number): ScoreDistribution {
  const values: number[] = [];
  for (let i = output; i < scores.length; i += outputs) if (!Number.isNaN(scores[i])) values.push(scores[i]);
  values.sort((a, b) => a - b);
  const histogram = new Array<number>(10).fill(0);
  let sum = 0;
  let selected = 0;
  for (const value of values) {
    histogram[Math.min(9, Math.floor(value * 10))]++;
    sum += value;
    if (value >= threshold) selected++;
  }
  const quantile = (q: number): number | null => (values.length === 0 ? null : values[Math.min(values.length - 1, Math.floor(q * values.length))]);
  return { n: values.length, mean: values.length === 0 ? null : sum / values.length, histogram, quantiles: { p10: quantile(0.1), p50: quantile(0.5), p90: quantile(0.9) }, selected };
}

/**
 * Batch scoring of the owned partitions' customers with one version (production by default): chunked model calls
 * without explanations; the answer is counts and distributions, never personal data.
 */
export class SegmentScoringService {
  constructor(
    private readonly options: ScoringServiceOptions,
    private readonly live: LiveModelSet,
  ) {}

  async scoreSegment(modelId: string, request: BatchScoreRequest): Promise<SegmentScores> {
    const version = liveVersion(this.live, modelId, request.version);
    const nowMs = (this.options.clock ?? Date.now)();
    const started = performance.now();
    const count: PopulationCount = { customers: 0, notAllowed: 0 };
    const members = [...allowedPopulation(this.options, version.purposes, nowMs, count)];
    const { scores, refused } = await scorePopulation(version, members, this.options, nowMs);
    const outputsCount = version.scorer.outputNames.length;
    version.stats.served.batch += members.length - refused;
    const durationMs = performance.now() - started;
    return {
      modelId,
      version: version.version,
      stage: version.stage,
      partitions: [...this.options.profiles.ownedPartitions()],
      customers: count.customers,
      scored: members.length - refused,
      notAllowed: count.notAllowed,
      refusedMissingFeatures: refused,
      threshold: request.threshold,
      outputs: Object.fromEntries(version.scorer.outputNames.map((name, o) => [name, distributionOf(scores, outputsCount, o, request.threshold)])),
      durationMs: Math.round(durationMs * 10) / 10,
      customersPerSecond: durationMs > 0 ? Math.round((members.length / durationMs) * 1000) : 0,
    };
  }
}
