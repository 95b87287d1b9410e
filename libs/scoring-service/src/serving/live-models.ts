import type { Logger } from '@kairos/observability';
import type { ModelRegistryRepository, StoredModelVersion } from '@kairos/persistence';
import { type ModelScorer, parseModelCard } from '@kairos/scoring';
import { loadScorer } from '../registry/model-artifact';
import { LIVE_STAGES, type ModelStage, inCanary } from '../registry/model-stages';

/** A version loaded into memory, ready to score. */
export interface LiveVersion {
  readonly modelId: string;
  readonly version: string;
  readonly stage: ModelStage;
  readonly scorer: ModelScorer;
  readonly purposes: readonly string[];
  readonly canaryBasisPoints: number | null;
  readonly artifactSha256: string;
  /** The keys a decision reads this version's outputs under (see `scoreKeys`). */
  readonly keys: readonly (readonly [key: string, output: number])[];
  /** Plain counters the hot path bumps (cheaper than labelled metrics); /metrics reads them when scraped. */
  readonly stats: VersionStats;
}

export type ScorePath = 'decision' | 'api' | 'batch' | 'shadow';

export interface VersionStats {
  readonly served: Record<ScorePath, number>;
  /** Shadow versions: Σ |shadow − served| on the first output, and how many pairs. */
  shadowGapSum: number;
  shadowGapCount: number;
}

/** The live versions of one model: at most one production and one canary, any number of shadows. */
export interface LiveModel {
  readonly modelId: string;
  readonly production?: LiveVersion;
  readonly canary?: LiveVersion;
  readonly shadows: readonly LiveVersion[];
}

/**
 * Names a decision reads a model's scores under: the model id for its first output (`churn`), and
 * `<model>-<output>` for each output in kebab case (`propensity-credit-card`, `churn-90d`: an output named after its
 * model drops the repeated prefix), as the action catalog references them.
 */
export function scoreKeys(modelId: string, outputNames: readonly string[]): [string, number][] {
  const keys: [string, number][] = [[modelId, 0]];
  outputNames.forEach((name, index) => {
    const kebab = name.replace(/_/g, '-');
    const prefix = `${modelId}-`;
    keys.push([kebab.startsWith(prefix) ? kebab : `${prefix}${kebab}`, index]);
  });
  return keys;
}

/**
 * The model versions this process scores with, compiled in memory. `refresh` reloads from the registry when its
 * generation moved (a registration or stage change anywhere), so a promotion reaches every process without a
 * restart: at once in the process that made it, within one poll interval elsewhere. A refresh swaps the whole set
 * at once; a decision sees either the old set or the new one.
 */
export class LiveModelSet {
  private models: ReadonlyMap<string, LiveModel> = new Map();
  private generation = -1;
  private refreshing: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly loaded = new Map<string, LiveVersion>();
  private readonly stats = new Map<string, VersionStats>();

  constructor(
    private readonly repository: ModelRegistryRepository,
    private readonly logger: Logger,
  ) {}

  /** Every live model (decision path: synchronous, from memory). */
  all(): Iterable<LiveModel> {
    return this.models.values();
  }

  /** Counters of every version that was ever live in this process, by `model@version`. */
  versionStats(): ReadonlyMap<string, VersionStats> {
    return this.stats;
  }

  get(modelId: string): LiveModel | undefined {
    return this.models.get(modelId);
  }

  /** The version whose scores a customer gets: the canary for its deterministic share, otherwise production. */
  static servingFor(model: LiveModel, customerId: string): LiveVersion | undefined {
    const canary = model.canary;
    if (canary && canary.canaryBasisPoints !== null && inCanary(model.modelId, customerId, canary.canaryBasisPoints)) return canary;
    return model.production;
  }

  /** Reloads when the registry changed (or always with `force`); concurrent calls share one reload. */
  async refresh(force = false): Promise<boolean> {
    if (this.refreshing) {
      await this.refreshing;
      if (!force) return false;
    }
    this.refreshing = this.reload(force).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  startPolling(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.refresh().catch((error: Error) => this.logger.warn({ err: error.message }, 'model registry poll failed; keeping the loaded models'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const version of this.loaded.values()) version.scorer.runner.dispose();
    this.loaded.clear();
    this.models = new Map();
  }

  private async reload(force: boolean): Promise<boolean> {
    const generation = await this.repository.generation();
    if (!force && generation === this.generation) return false;
    const rows = await this.repository.withArtifacts(LIVE_STAGES);
    const next = new Map<string, { production?: LiveVersion; canary?: LiveVersion; shadows: LiveVersion[] }>();
    const keep = new Set<string>();
    for (const row of rows) {
      const version = await this.versionOf(row);
      if (!version) continue;
      keep.add(cacheKey(row));
      const model = next.get(row.modelId) ?? { shadows: [] };
      next.set(row.modelId, model);
      if (version.stage === 'production') model.production = version;
      else if (version.stage === 'canary') model.canary = version;
      else model.shadows.push(version);
    }
    this.models = new Map([...next].map(([modelId, model]) => [modelId, { modelId, ...model }]));
    this.generation = generation;
    for (const [key, version] of this.loaded) {
      if (keep.has(key)) continue;
      // Dispose after the swap: an in-flight score on the old set finishes on compiled JS (TF.js) or its own session.
      this.loaded.delete(key);
      setTimeout(() => version.scorer.runner.dispose(), 1_000).unref();
    }
    return true;
  }

  private statsOf(key: string): VersionStats {
    let stats = this.stats.get(key);
    if (!stats) {
      stats = emptyStats();
      this.stats.set(key, stats);
    }
    return stats;
  }

  /** A stored version as a LiveVersion, reusing the compiled scorer when only the stage changed. */
  private async versionOf(row: StoredModelVersion): Promise<LiveVersion | undefined> {
    const key = cacheKey(row);
    const cached = this.loaded.get(key);
    let scorer = cached?.scorer;
    if (!scorer) {
      try {
        scorer = await loadScorer(parseModelCard(JSON.parse(row.card)), { format: row.format as 'tfjs-layers' | 'onnx', artifact: Buffer.from(row.artifact), weights: row.weights ? Buffer.from(row.weights) : null });
      } catch (error) {
        // A version that loaded at upload but not now (e.g. a runtime missing here) must not stop the others.
        this.logger.error({ modelId: row.modelId, version: row.version, err: (error as Error).message }, 'model version failed to load; not serving it');
        return undefined;
      }
    }
    const version: LiveVersion = {
      modelId: row.modelId,
      version: row.version,
      stage: row.stage as ModelStage,
      scorer,
      purposes: row.purposes.split(','),
      canaryBasisPoints: row.canaryBasisPoints,
      artifactSha256: row.artifactSha256,
      keys: scoreKeys(row.modelId, scorer.outputNames),
      stats: this.statsOf(`${row.modelId}@${row.version}`),
    };
    this.loaded.set(key, version);
    return version;
  }
}

function emptyStats(): VersionStats {
  return { served: { decision: 0, api: 0, batch: 0, shadow: 0 }, shadowGapSum: 0, shadowGapCount: 0 };
}

function cacheKey(row: StoredModelVersion): string {
  return `${row.modelId}@${row.version}:${row.artifactSha256}`;
}
