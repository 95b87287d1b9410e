import { KairosError } from '@kairos/contracts';
import { scoreInChunks, readSignatureFeatures } from '@kairos/scoring';
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

/** Scores of a population in chunks, with the members they belong to (index-aligned). */
export async function scorePopulation(version: LiveVersion, members: readonly PopulationMember[], options: ScoringServiceOptions, nowMs: number): Promise<{ scores: Float32Array; refused: number }> {
  const outputs = version.scorer.outputNames.length;
  const scores = new Float32Array(members.length * outputs);
  let refused = 0;
  let at = 0;
  const requests = members.map((member) => ({ customerId: member.customerId, features: readSignatureFeatures(member.state, options.features, version.scorer.card.signature, nowMs), asOfMs: nowMs }));
  for await (const batch of scoreInChunks(version.scorer, requests, CHUNK)) {
    scores.set(batch.scores, at);
    at += batch.scores.length;
    refused += batch.refused;
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
