/** How many customers a rule set would hit, per day, per channel, per outcome and per row: counts only. */
export interface SimulationDay {
  readonly date: string;
  readonly customersEvaluated: number;
  readonly customersHit: number;
  readonly byChannel: Readonly<Record<string, number>>;
  readonly outcomes: Readonly<Record<string, number>>;
}

export interface SimulationCounts {
  readonly customersEvaluated: number;
  readonly customersHit: number;
  readonly evaluations: number;
  readonly byChannel: Readonly<Record<string, { readonly evaluated: number; readonly hit: number }>>;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly rows: Readonly<Record<string, number>>;
  readonly days: readonly SimulationDay[];
}

const MAX_OUTCOME_KEYS = 50;
const MAX_TEXT_OUTCOME = 64;
const DAY_MS = 86_400_000;

/** An outcome as a count key. Numbers and structures are reduced to their kind: a rule could echo an input. */
export function outcomeKey(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value.length <= MAX_TEXT_OUTCOME ? JSON.stringify(value) : '(long text)';
  if (typeof value === 'number') return '(number)';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : '(list)';
  return '(context)';
}

/** A rule "hits" a customer when it gives anything but null, false or an empty list. */
export function isHit(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0);
}

function bump(counts: Map<string, number>, key: string, by = 1): void {
  const bounded = counts.has(key) || counts.size < MAX_OUTCOME_KEYS ? key : '(other)';
  counts.set(bounded, (counts.get(bounded) ?? 0) + by);
}

interface DayBucket {
  readonly evaluated: Set<string>;
  readonly hit: Set<string>;
  readonly byChannel: Map<string, number>;
  readonly outcomes: Map<string, number>;
}

/** Collects evaluations; customer ids stay inside (for distinct counts) and never leave in the report. */
export class SimulationTally {
  private readonly days = new Map<number, DayBucket>();
  private readonly evaluatedCustomers = new Set<string>();
  private readonly hitCustomers = new Set<string>();
  private readonly channels = new Map<string, { evaluated: number; hit: number }>();
  private readonly outcomes = new Map<string, number>();
  private readonly rows = new Map<string, number>();
  private evaluations = 0;

  get dayCount(): number {
    return this.days.size;
  }

  record(day: number, customerId: string, channel: string, value: unknown, ruleIds: readonly string[]): void {
    let bucket = this.days.get(day);
    if (!bucket) this.days.set(day, (bucket = { evaluated: new Set(), hit: new Set(), byChannel: new Map(), outcomes: new Map() }));
    this.evaluations++;
    this.evaluatedCustomers.add(customerId);
    bucket.evaluated.add(customerId);
    const perChannel = this.channels.get(channel) ?? { evaluated: 0, hit: 0 };
    perChannel.evaluated++;
    this.channels.set(channel, perChannel);
    const key = outcomeKey(value);
    bump(this.outcomes, key);
    bump(bucket.outcomes, key);
    for (const ruleId of ruleIds) bump(this.rows, ruleId);
    if (!isHit(value)) return;
    perChannel.hit++;
    this.hitCustomers.add(customerId);
    bucket.hit.add(customerId);
    bump(bucket.byChannel, channel);
  }

  counts(): SimulationCounts {
    const days = [...this.days]
      .sort(([a], [b]) => a - b)
      .map(([day, bucket]) => ({
        date: new Date(day * DAY_MS).toISOString().slice(0, 10),
        customersEvaluated: bucket.evaluated.size,
        customersHit: bucket.hit.size,
        byChannel: Object.fromEntries(bucket.byChannel),
        outcomes: Object.fromEntries(bucket.outcomes),
      }));
    return {
      customersEvaluated: this.evaluatedCustomers.size,
      customersHit: this.hitCustomers.size,
      evaluations: this.evaluations,
      byChannel: Object.fromEntries(this.channels),
      outcomes: Object.fromEntries(this.outcomes),
      rows: Object.fromEntries(this.rows),
      days,
    };
  }
}

export function dayOf(atMs: number): number {
  return Math.floor(atMs / DAY_MS);
}

export function endOfDay(day: number): number {
  return (day + 1) * DAY_MS - 1;
}
