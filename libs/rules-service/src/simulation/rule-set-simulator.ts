import type { LoggedEvent } from '@kairos/contracts';
import type { ContextValue, DecisionChannel } from '@kairos/decisioning';
import { PartitionProfileStore, profileOf } from '@kairos/profile';
import type { CompiledRuleSet } from '../rule-set/compiled-rule-set';
import { evaluateCompiled } from '../deploy/deployed-rule-sets';
import type { SimulationSources } from './simulation-sources';
import { SimulationTally, dayOf, endOfDay, type SimulationCounts } from './simulation-tally';

export interface SimulationLimits {
  /** Customers folded per partition (history, population) or evaluated in all (profiles). */
  readonly maxCustomers: number;
  /** Log records read in all. */
  readonly maxEvents: number;
  /** Days reported; reading stops after the last. */
  readonly maxDays: number;
}

export type SimulationSource =
  | { readonly kind: 'history'; readonly partitions?: readonly number[] }
  | { readonly kind: 'profiles'; readonly partitions?: readonly number[] }
  | { readonly kind: 'population'; readonly seed: number; readonly customers: number; readonly days: number; readonly startDate?: string };

/**
 * What a simulation asks of each customer on each channel at `atMs`: an outcome (hit unless null, false or empty)
 * and the rows that gave it. `read` reads the customer's features as serving does; the customer id is for
 * evaluators that need it (a control-group hash) and never leaves in the report.
 */
export type SimulationEvaluator = (
  read: (name: string) => unknown,
  channel: DecisionChannel | null,
  atMs: number,
  customerId: string,
) => { readonly value: unknown; readonly ruleIds: readonly string[] } | null;

/** What is evaluated: a decision of a rule set, or any evaluator over the same folded customers (e.g. a campaign). */
export type SimulationPlan = SimulationRun & ({ readonly ruleSet: CompiledRuleSet; readonly decision: string } | { readonly evaluate: SimulationEvaluator });

interface SimulationRun {
  readonly source: SimulationSource;
  /** The channel variable per evaluation; null: no channel. */
  readonly channels: readonly (DecisionChannel | null)[];
  readonly context: Readonly<Record<string, ContextValue>>;
  readonly limits: SimulationLimits;
  readonly nowMs: number;
}

export interface SimulationReport extends SimulationCounts {
  readonly source: SimulationSource['kind'];
  readonly partitions: readonly number[];
  readonly eventsRead: number;
  /** A limit cut the run short: the counts cover only part of the population or period. */
  readonly truncated: boolean;
}

const PAGE = 1_000;
const YIELD_EVERY = 500;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs a rule set over customers without deploying it: profiles folded afresh from the stored log of owned
 * partitions (day by day, evaluating the customers active that day at the day's end), the current profiles, or a
 * seeded synthetic population. Work is bounded by the limits and the report holds counts only.
 */
export class RuleSetSimulator {
  private eventsRead = 0;
  private truncated = false;
  private evaluated = 0;
  private readonly tally = new SimulationTally();

  constructor(
    private readonly sources: SimulationSources,
    private readonly plan: SimulationPlan,
  ) {}

  async run(): Promise<SimulationReport> {
    const { source } = this.plan;
    let partitions: number[] = [];
    if (source.kind === 'population') {
      await this.foldPopulation(source);
    } else {
      const owned = this.sources.ownedPartitions();
      partitions = (source.partitions ?? owned).filter((p) => owned.includes(p)).sort((a, b) => a - b);
      for (const partition of partitions) {
        if (source.kind === 'history') await this.foldPartition(partition, (from, limit) => this.readOpened(partition, from, limit));
        else await this.evaluateLive(partition);
      }
    }
    return { source: source.kind, partitions, eventsRead: this.eventsRead, truncated: this.truncated, ...this.tally.counts() };
  }

  private async readOpened(partition: number, fromOffset: number, limit: number): Promise<readonly LoggedEvent[]> {
    const records = await this.sources.readLog(partition, fromOffset, limit);
    return this.sources.openRecords ? this.sources.openRecords(records) : records;
  }

  private async foldPopulation(source: Extract<SimulationSource, { kind: 'population' }>): Promise<void> {
    if (!this.sources.population) return;
    const events = this.sources.population(source);
    const records: LoggedEvent[] = events.map((event, offset) => ({ partition: 0, offset, event }));
    await this.foldPartition(0, async (from, limit) => records.slice(from, from + limit));
  }

  /** Folds one partition's records into a fresh store, evaluating each day's active customers at its end. */
  private async foldPartition(partition: number, read: (fromOffset: number, limit: number) => Promise<readonly LoggedEvent[]>): Promise<void> {
    const { limits } = this.plan;
    const store = new PartitionProfileStore({ partition, registry: this.sources.registry });
    const active = new Set<string>();
    let day: number | null = null;
    let offset = 0;
    for (;;) {
      const budget = limits.maxEvents - this.eventsRead;
      if (budget <= 0) {
        this.truncated = true;
        break;
      }
      const records = await read(offset, Math.min(PAGE, budget));
      for (const record of records) {
        offset = record.offset + 1;
        this.eventsRead++;
        const recordDay = dayOf(record.event.occurredAtMs);
        // Late events count to the day being folded: days only move forward.
        if (day === null) day = recordDay;
        if (recordDay > day) {
          await this.evaluateDay(store, day, active);
          active.clear();
          day = recordDay;
          if (this.tally.dayCount >= limits.maxDays) return this.stopShort();
        }
        const customerId = record.event.customerId;
        if (store.slotOf(customerId) < 0 && store.size >= limits.maxCustomers) {
          this.truncated = true;
          continue;
        }
        store.apply(record);
        if (record.event.type === 'customer_erased') active.delete(customerId);
        else active.add(customerId);
      }
      if (records.length === 0) break;
    }
    if (day !== null && this.tally.dayCount < limits.maxDays) await this.evaluateDay(store, day, active);
  }

  private stopShort(): void {
    this.truncated = true;
  }

  private async evaluateDay(store: PartitionProfileStore, day: number, customers: ReadonlySet<string>): Promise<void> {
    const atMs = endOfDay(day);
    for (const customerId of customers) await this.evaluate(store, customerId, day, atMs);
  }

  private async evaluateLive(partition: number): Promise<void> {
    const store = this.sources.liveStore(partition);
    if (!store) return;
    const nowMs = this.plan.nowMs;
    // Ids are copied first: the worker may fold (and compact) the store between our yields.
    for (const customerId of store.customerIds()) {
      if (this.evaluated >= this.plan.limits.maxCustomers) {
        this.truncated = true;
        return;
      }
      await this.evaluate(store, customerId, dayOf(nowMs), nowMs);
    }
  }

  private async evaluate(store: PartitionProfileStore, customerId: string, day: number, atMs: number): Promise<void> {
    const profile = profileOf(store, customerId);
    if (!profile) return;
    const registry = this.sources.registry;
    const { plan } = this;
    const { context, channels } = plan;
    for (const channel of channels) {
      const variables: Record<string, unknown> = { context, scores: {}, channel, placement: null, triggers: [] };
      const read = (name: string): unknown => (name in variables ? variables[name] : registry.has(name) ? registry.read(profile, name, atMs) : null);
      const outcome = 'evaluate' in plan ? plan.evaluate(read, channel, atMs, customerId) : evaluateCompiled(plan.ruleSet, plan.decision, read);
      if (outcome) this.tally.record(day, customerId, channel ?? 'any', outcome.value, outcome.ruleIds);
    }
    if (++this.evaluated % YIELD_EVERY === 0) await yieldToEventLoop();
  }
}
