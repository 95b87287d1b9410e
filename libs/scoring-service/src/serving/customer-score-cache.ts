import type { ModelScore } from '@kairos/decisioning';
import type { LiveVersion } from './live-models';

/** The scores one serving version gave a customer, under the keys a decision reads them by (attributions included). */
export type VersionScores = readonly (readonly [key: string, score: ModelScore])[];

export interface CustomerScoreCacheOptions {
  /** Customers kept; the least recently decided one is dropped past it. */
  readonly maxCustomers: number;
  /**
   * Longest a score is reused for an unchanged profile. The shipped models read timestamps (tenure, last login) as
   * days before the scoring time, and window counts lose events as time passes, so a score drifts even without
   * events: this bounds that drift.
   */
  readonly maxAgeMs: number;
}

/** About 10 KB of heap per customer with the three shipped models (nine keys, five attributions per output): ~100 MB full. */
export const DEFAULT_SCORE_CACHE_OPTIONS: CustomerScoreCacheOptions = { maxCustomers: 10_000, maxAgeMs: 60_000 };

/** More than one, so expired entries go faster than new ones come. */
const EXPIRED_DROPPED_PER_SET = 2;

/** Far more than the models a deployment serves at once (one serving version per model and customer). */
const MAX_VERSIONS_PER_CUSTOMER = 32;

interface CachedVersion {
  readonly atMs: number;
  readonly scores: VersionScores;
}

interface CustomerEntry {
  revision: string;
  /** When the newest of its scores was computed: past `maxAgeMs` the whole entry is useless. */
  newestAtMs: number;
  /** Keyed by the loaded version object: a registry refresh (promotion, canary share) builds new ones, so it never hits. */
  readonly versions: Map<LiveVersion, CachedVersion>;
}

/**
 * A decision's scores per customer, reused while the customer's profile revision (events applied to them) and the
 * serving version are unchanged and the score is younger than `maxAgeMs`. It holds scores, never decides who may be
 * scored: the score source checks consent and objections on every decision before it looks here, and drops the
 * customer's entry when a model may no longer score them (G2).
 */
export class CustomerScoreCache {
  private readonly entries = new Map<string, CustomerEntry>();

  constructor(private readonly options: CustomerScoreCacheOptions = DEFAULT_SCORE_CACHE_OPTIONS) {}

  get size(): number {
    return this.entries.size;
  }

  /** The version's cached scores for this customer at this profile revision, if fresh enough. */
  get(customerId: string, revision: string, version: LiveVersion, nowMs: number): VersionScores | undefined {
    const entry = this.entries.get(customerId);
    if (entry === undefined || entry.revision !== revision) return undefined;
    const cached = entry.versions.get(version);
    if (cached === undefined || nowMs - cached.atMs > this.options.maxAgeMs || nowMs < cached.atMs) return undefined;
    // Most recently used last, so eviction takes the customer decided on longest ago.
    this.entries.delete(customerId);
    this.entries.set(customerId, entry);
    return cached.scores;
  }

  set(customerId: string, revision: string, version: LiveVersion, nowMs: number, scores: VersionScores): void {
    let entry = this.entries.get(customerId);
    if (entry === undefined || entry.revision !== revision) {
      // A new revision makes every version's scores of the older one stale, not only this version's.
      entry = { revision, newestAtMs: nowMs, versions: new Map() };
      this.entries.delete(customerId);
      this.entries.set(customerId, entry);
      if (this.entries.size > this.options.maxCustomers) this.entries.delete(this.entries.keys().next().value as string);
      this.dropExpired(nowMs);
    }
    entry.newestAtMs = Math.max(entry.newestAtMs, nowMs);
    // Versions promoted away stay until the customer's next revision; a long run of promotions without one is cut here.
    if (entry.versions.size >= MAX_VERSIONS_PER_CUSTOMER) entry.versions.clear();
    entry.versions.set(version, { atMs: nowMs, scores });
  }

  /**
   * Drops expired entries from the least recently used end, a few per new entry: scores no decision may reuse are
   * not kept longer than the traffic takes to push them out (an erased customer's included).
   */
  private dropExpired(nowMs: number): void {
    for (let i = 0; i < EXPIRED_DROPPED_PER_SET; i++) {
      const oldest = this.entries.entries().next();
      if (oldest.done || nowMs - oldest.value[1].newestAtMs <= this.options.maxAgeMs) return;
      this.entries.delete(oldest.value[0]);
    }
  }

  /** Forgets a customer (a model may no longer score them, or they were erased). */
  forget(customerId: string): void {
    this.entries.delete(customerId);
  }

  clear(): void {
    this.entries.clear();
  }
}
