import type { CustomerEvent, ProductKind } from '@kairos/contracts';
import { type LabelDefinition, type LabelledScore, type PeriodPerformance, activeWithin, churnedWithin, openedWithin, performanceOverTime } from '@kairos/scoring';

const DAY_MS = 86_400_000;
/** Monday 1970-01-05 00:00 UTC: weekly periods start on Mondays. */
const MONDAY_ORIGIN_MS = 4 * DAY_MS;

export interface ServedScoreOutcomesOptions {
  /** Length of a performance period (default one week, Monday to Monday UTC). */
  readonly periodMs?: number;
  /** Served scores waiting for their label window at most; later ones are counted as dropped (bounded memory). */
  readonly maxPending?: number;
  /** Labelled scores kept per version and output (the oldest go first). */
  readonly maxSettledPerOutput?: number;
  /** Waited past the end of a label window before settling, so events still being folded count (default 1 h). */
  readonly graceMs?: number;
  /** Fewest labelled scores in a period for an AUC (default 50). */
  readonly minimumCount?: number;
}

/** One output of a served version and the label its card says it predicts. */
export interface ServedOutput {
  readonly name: string;
  readonly label: LabelDefinition | null;
  readonly score: number;
}

export interface OutputPerformance {
  readonly label: string | null;
  /** Periods by serving time; `complete` once every score served in it had its label window closed. */
  readonly periods: readonly (PeriodPerformance & { readonly complete: boolean })[];
}

export interface VersionPerformance {
  readonly available: boolean;
  readonly periodDays: number;
  /** Served scores (first per customer and period) still inside their label window. */
  readonly pending: number;
  /** Served scores not followed because the pending buffer was full. */
  readonly dropped: number;
  readonly outputs: Readonly<Record<string, OutputPerformance>>;
  readonly note: string;
}

interface PendingOutput {
  readonly name: string;
  readonly label: LabelDefinition;
  readonly score: number;
  hit: boolean;
  settled: boolean;
}

interface PendingScore {
  readonly versionKey: string;
  readonly period: number;
  readonly servedAtMs: number;
  readonly outputs: PendingOutput[];
}

interface VersionOutcomes {
  readonly settled: Map<string, LabelledScore[]>;
  readonly labels: Map<string, LabelDefinition | null>;
  dropped: number;
  pending: number;
}

/**
 * The label a card output names (`churned_within_30d`, `active_within_30d`, `opened_credit_card_within_30d`), as
 * the training datasets define it; null for a label this process cannot observe from the event stream.
 */
export function labelDefinitionFor(label: string | undefined): LabelDefinition | null {
  if (!label) return null;
  const churn = /^churned_within_(\d+)d$/.exec(label);
  if (churn) return churnedWithin(Number(churn[1]));
  const active = /^active_within_(\d+)d$/.exec(label);
  if (active) return activeWithin(Number(active[1]));
  const opened = /^opened_([a-z_]+)_within_(\d+)d$/.exec(label);
  if (opened) return openedWithin(opened[1] as ProductKind, Number(opened[2]));
  return null;
}

/**
 * Performance of served scores once their labels arrive: the first score a version served a customer in each
 * period is followed; outcome events from the partition stream mark its label (an event inside the label window
 * that the label matches); once the window closed it becomes a labelled score of its period, and AUC per period
 * follows. Memory is bounded by `maxPending` followed scores and `maxSettledPerOutput` labelled ones.
 *
 * Unlike the training labels, eligibility (e.g. "held a checking account at the cutoff") is not re-checked: every
 * served customer counts, which is the population the model acted on.
 */
export class ServedScoreOutcomes {
  private readonly periodMs: number;
  private readonly maxPending: number;
  private readonly maxSettled: number;
  private readonly graceMs: number;
  private readonly minimumCount: number;
  private readonly byCustomer = new Map<string, PendingScore[]>();
  private readonly versions = new Map<string, VersionOutcomes>();
  private pendingTotal = 0;

  constructor(options: ServedScoreOutcomesOptions = {}) {
    this.periodMs = options.periodMs ?? 7 * DAY_MS;
    this.maxPending = options.maxPending ?? 50_000;
    this.maxSettled = options.maxSettledPerOutput ?? 50_000;
    this.graceMs = options.graceMs ?? 3_600_000;
    this.minimumCount = options.minimumCount ?? 50;
  }

  /** A score served for a decision (hot path: a map lookup and, first time in the period, one small object). */
  recordServed(modelId: string, version: string, customerId: string, servedAtMs: number, outputs: readonly ServedOutput[]): void {
    const versionKey = `${modelId}@${version}`;
    const outcomes = this.versionOutcomes(versionKey, outputs);
    const period = Math.floor((servedAtMs - MONDAY_ORIGIN_MS) / this.periodMs);
    const followed = this.byCustomer.get(customerId);
    if (followed?.some((entry) => entry.versionKey === versionKey && entry.period === period)) return;
    const labelled = outputs.filter((output): output is ServedOutput & { label: LabelDefinition } => output.label !== null);
    if (labelled.length === 0) return;
    if (this.pendingTotal >= this.maxPending) {
      outcomes.dropped++;
      return;
    }
    const entry: PendingScore = { versionKey, period, servedAtMs, outputs: labelled.map((output) => ({ name: output.name, label: output.label, score: output.score, hit: false, settled: false })) };
    if (followed) followed.push(entry);
    else this.byCustomer.set(customerId, [entry]);
    this.pendingTotal++;
    outcomes.pending++;
  }

  /** Outcome events from the partition stream (any order within the window; late ones after settling are ignored). */
  observe(events: readonly CustomerEvent[]): void {
    for (const event of events) {
      const followed = this.byCustomer.get(event.customerId);
      if (!followed) continue;
      for (const entry of followed) {
        for (const output of entry.outputs) {
          if (output.hit || output.settled) continue;
          if (event.occurredAtMs >= entry.servedAtMs && event.occurredAtMs < entry.servedAtMs + output.label.horizonMs && output.label.matches(event)) output.hit = true;
        }
      }
    }
  }

  /** Turns every followed score whose label window (plus grace) closed by `nowMs` into a labelled score. */
  settle(nowMs: number): void {
    for (const [customerId, followed] of this.byCustomer) {
      const open = followed.filter((entry) => {
        const outcomes = this.versions.get(entry.versionKey)!;
        for (const output of entry.outputs) {
          if (output.settled || nowMs < entry.servedAtMs + output.label.horizonMs + this.graceMs) continue;
          output.settled = true;
          this.addSettled(outcomes, output.name, { scoredAtMs: entry.servedAtMs, score: output.score, outcome: output.hit });
        }
        const done = entry.outputs.every((output) => output.settled);
        if (done) {
          outcomes.pending--;
          this.pendingTotal--;
        }
        return !done;
      });
      if (open.length === 0) this.byCustomer.delete(customerId);
      else if (open.length !== followed.length) this.byCustomer.set(customerId, open);
    }
  }

  /** AUC per period of every output of one version, as of `nowMs` (settles first). */
  performance(modelId: string, version: string, nowMs: number): VersionPerformance {
    this.settle(nowMs);
    const outcomes = this.versions.get(`${modelId}@${version}`);
    const outputs: Record<string, OutputPerformance> = {};
    for (const [name, label] of outcomes?.labels ?? []) {
      const periods = performanceOverTime(outcomes!.settled.get(name) ?? [], this.periodMs, MONDAY_ORIGIN_MS, this.minimumCount);
      outputs[name] = { label: label?.name ?? null, periods: periods.map((period) => ({ ...period, complete: label !== null && nowMs >= period.toMs + label.horizonMs + this.graceMs })) };
    }
    const available = Object.values(outputs).some((output) => output.periods.some((period) => period.auc !== null));
    return {
      available,
      periodDays: this.periodMs / DAY_MS,
      pending: outcomes?.pending ?? 0,
      dropped: outcomes?.dropped ?? 0,
      outputs,
      note: available
        ? 'AUC per period of served scores whose label windows closed (first score per customer and period)'
        : 'no period has enough served scores with closed label windows yet',
    };
  }

  /** The newest period with an AUC per version and output, for /metrics. */
  latestAuc(nowMs: number): { modelId: string; version: string; output: string; auc: number; n: number }[] {
    const latest: { modelId: string; version: string; output: string; auc: number; n: number }[] = [];
    for (const key of this.versions.keys()) {
      const [modelId, version] = key.split('@');
      for (const [output, { periods }] of Object.entries(this.performance(modelId, version, nowMs).outputs)) {
        const newest = [...periods].reverse().find((period) => period.auc !== null);
        if (newest) latest.push({ modelId, version, output, auc: newest.auc!, n: newest.n });
      }
    }
    return latest;
  }

  private versionOutcomes(versionKey: string, outputs: readonly ServedOutput[]): VersionOutcomes {
    let outcomes = this.versions.get(versionKey);
    if (!outcomes) {
      outcomes = { settled: new Map(), labels: new Map(outputs.map((output) => [output.name, output.label])), dropped: 0, pending: 0 };
      this.versions.set(versionKey, outcomes);
    }
    return outcomes;
  }

  private addSettled(outcomes: VersionOutcomes, output: string, score: LabelledScore): void {
    let list = outcomes.settled.get(output);
    if (!list) {
      list = [];
      outcomes.settled.set(output, list);
    }
    list.push(score);
    if (list.length > this.maxSettled) list.splice(0, list.length - this.maxSettled);
  }
}
