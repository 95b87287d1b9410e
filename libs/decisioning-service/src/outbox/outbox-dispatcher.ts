import { randomBytes } from 'node:crypto';
import type { ActionOutboxRepository, OutboxClaim, OutboxEntry } from '@kairos/persistence';
import type { ChannelPublisher } from './delivery/channel-publisher';
import { NO_OUTBOX_FAULTS, type OutboxFaults } from './outbox-faults';

export interface OutboxDispatcherOptions {
  readonly repository: ActionOutboxRepository;
  /** The publisher of a channel (feed, Kafka topic or webhook). */
  readonly publisherFor: (channel: string) => ChannelPublisher;
  /** Idle poll interval, ms (default 500); `nudge()` starts a pass at once after an emit. */
  readonly pollMs?: number;
  readonly batchSize?: number;
  /**
   * Who claims rows (≤ 64 characters; default unique per dispatcher); never two live dispatchers under one name. A
   * name that survives restarts (the embedded process of one data directory) takes its own claims back at once
   * after a crash instead of waiting for the lease.
   */
  readonly claimant?: string;
  /** How long a claim holds, ms (default 30 s): longer than a publish takes, or another dispatcher may publish too. */
  readonly leaseMs?: number;
  /** Retry delay after the n-th failed attempt, ms (default 1 s doubling up to 10 min). */
  readonly backoffMs?: (attempts: number) => number;
  readonly faults?: OutboxFaults;
  readonly clock?: () => number;
  readonly onError?: (error: Error) => void;
  /** Called after rows were marked published (metrics). */
  readonly onPublished?: (entries: readonly OutboxEntry[]) => void;
  /**
   * Asked again at dispatch for rows that waited (deferred by quiet hours, or retried): whether they may still go
   * out. Default: all may.
   */
  readonly vet?: (entry: OutboxEntry, nowMs: number) => DispatchVerdict;
  /** Rows cancelled by `vet` or `admit` (metrics, logs). */
  readonly onCancelled?: (entry: OutboxEntry, reason: string) => void;
  /** Channel capacity (the cluster-wide budget): which of a channel's due rows go now, wait, or never go. */
  readonly admit?: (channel: string, entries: readonly OutboxEntry[], nowMs: number) => Promise<ChannelAdmission>;
}

/** A channel capacity's answer for a batch: `note` is stored as the waiting row's last error (no personal data). */
export interface ChannelAdmission {
  readonly send: readonly OutboxEntry[];
  readonly wait: readonly { readonly entry: OutboxEntry; readonly untilMs: number; readonly note: string }[];
  readonly cancel: readonly { readonly entry: OutboxEntry; readonly reason: string }[];
}

/**
 * What a waiting row may do now: go out, never go out (consent withdrawn, action expired: the reason is stored,
 * never personal data), or wait until `retryAtMs` (this process cannot tell, e.g. it does not own the customer).
 */
export type DispatchVerdict = { readonly send: true } | { readonly cancel: string } | { readonly retryAtMs: number };

export const SEND: DispatchVerdict = Object.freeze({ send: true });

/** A row that did not go out when it was written: deferred to its not-before time, or retried after a failure. */
export function hasWaited(entry: OutboxEntry): boolean {
  return entry.nextAttemptAtMs > entry.createdAtMs;
}

export function exponentialBackoff(attempts: number, baseMs = 1_000, maxMs = 600_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(30, attempts - 1)));
}

export const DEFAULT_OUTBOX_LEASE_MS = 30_000;

/**
 * Moves committed outbox rows to their channels: claims due pending rows in id order (a lease, so dispatchers of
 * several processes over one table never publish the same row while it holds), publishes them per channel, then
 * marks them published. A crash after publishing and before marking publishes again once the claim is free again
 * (at least once); a failure backs the row off exponentially without holding up the rows behind it.
 *
 * Lanes, each claiming under a name of its own (they never take each other's rows, as two dispatchers never do):
 * - the direct lane: an emit writes its rows already claimed (`claimForEmit`) and hands them over after the commit
 *   (`emitted`), so they go out without a pass having to find and claim them;
 * - a row emitted while the direct lane is busy nudges a pass, and a row nudged while a pass is publishing need not
 *   wait for that pass (its claim, the channel's round trip, the marking) to end: the overtaking lane takes it.
 */
export class OutboxDispatcher implements EmitDispatch {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | null = null;
  /** The second lane's drain, started by a nudge while the first lane is busy. */
  private overtaking: Promise<unknown> | null = null;
  /** The direct lane's publish of an emit's rows; `directReserved` from the claim on, so one emit at a time. */
  private direct: Promise<unknown> | null = null;
  private directReserved = false;
  /** Whether this life already took back its lanes' leftover claims (the first pass does, see `recoverThenDrain`). */
  private recovered = false;
  private readonly recovery: { promise: Promise<void>; resolve: () => void };
  private again = false;
  private stopped = true;
  private readonly clock: () => number;
  private readonly faults: OutboxFaults;
  private readonly claimant: string;
  private readonly overtakingClaimant: string;
  private readonly directClaimant: string;
  private lastDrain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: OutboxDispatcherOptions) {
    this.clock = options.clock ?? Date.now;
    this.faults = options.faults ?? NO_OUTBOX_FAULTS;
    this.claimant = options.claimant ?? `dispatcher-${process.pid}-${randomBytes(8).toString('hex')}`;
    this.overtakingClaimant = laneClaimant(this.claimant, '1', '2');
    this.directClaimant = laneClaimant(this.claimant, 'd', 'e');
    let resolve = () => undefined as void;
    this.recovery = { promise: new Promise<void>((done) => (resolve = done)), resolve };
  }

  /** Resolves once the first pass took back the lanes' leftover claims: from then on emits go out on the direct lane. */
  whenRecovered(): Promise<void> {
    return this.recovery.promise;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Something was emitted: run a pass now instead of at the next poll, on the second lane if the first is busy. */
  nudge(): void {
    if (this.stopped) return;
    if (!this.running) {
      this.schedule(0);
    } else if (!this.overtaking) {
      this.overtaking = this.drainAs(this.overtakingClaimant)
        .catch((error: Error) => this.options.onError?.(error))
        .finally(() => (this.overtaking = null));
    } else {
      this.again = true;
    }
  }

  /**
   * For an emit about to be written: the claim to write its due rows under, so that they go out right after the
   * commit. Null — the rows are then written unclaimed, for a pass — while the direct lane still publishes an earlier
   * emit, before this life's first pass took back its leftover claims, or once stopped. A claim handed out is always
   * given back through `emitted`.
   */
  claimForEmit(): OutboxClaim | null {
    if (this.stopped || !this.recovered || this.directReserved) return null;
    this.directReserved = true;
    return { claimant: this.directClaimant, leaseUntilMs: this.clock() + (this.options.leaseMs ?? DEFAULT_OUTBOX_LEASE_MS) };
  }

  /**
   * After an emit, committed or not, with the rows it wrote: those under `claim` go out now on the direct lane, and
   * a pass is nudged for the others. Rows claimed after `stop` stay claimed until the lease runs out, or until this
   * name's next life takes them back.
   */
  emitted(claim: OutboxClaim | null, written: readonly OutboxEntry[]): void {
    const claimed = claim ? written.filter((entry) => entry.claimedBy === claim.claimant) : [];
    if (claimed.length < written.length) this.nudge();
    if (!claim) return;
    if (claimed.length === 0 || this.stopped) {
      this.directReserved = false;
      return;
    }
    this.direct = this.settle(claim.claimant, claimed, this.clock())
      .catch((error: Error) => this.options.onError?.(error))
      .finally(() => {
        this.direct = null;
        this.directReserved = false;
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([this.running?.catch(() => undefined), this.overtaking, this.direct]);
  }

  /**
   * Publishes everything due now, batch after batch; returns how many rows were marked published. Drains of one
   * dispatcher run one after another (a caller's drain waits for the polling one): they claim under one name, and a
   * name may take back its own claims.
   */
  drain(): Promise<number> {
    const run = this.lastDrain.then(() => this.drainAs(this.claimant));
    this.lastDrain = run.catch(() => undefined);
    return run;
  }

  private async drainAs(claimant: string): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.pass(claimant);
      total += published.count;
      if (published.rows < (this.options.batchSize ?? 100)) return total;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    this.again = false;
    this.running = this.recovered ? this.drain() : this.recoverThenDrain();
    try {
      await this.running;
    } catch (error) {
      this.options.onError?.(error as Error);
    } finally {
      this.running = null;
    }
    this.schedule(this.again ? 0 : (this.options.pollMs ?? 500));
  }

  /**
   * The first pass of a life: claims still held under the lanes' names were left by an earlier life of this name,
   * which stopped before it settled them (the main name's own are taken back by every claim anyway).
   */
  private async recoverThenDrain(): Promise<number> {
    await this.options.repository.releaseClaimsOf([this.overtakingClaimant, this.directClaimant]);
    this.recovered = true;
    this.recovery.resolve();
    return this.drain();
  }

  /** The rows of a channel its capacity lets out now; the others wait for room or are dropped, as it says. */
  private async admitted(channel: string, entries: OutboxEntry[], now: number): Promise<readonly OutboxEntry[]> {
    if (!this.options.admit) return entries;
    const admission = await this.options.admit(channel, entries, now);
    for (const { entry, reason } of admission.cancel) {
      await this.options.repository.cancel(entry.id, reason);
      this.options.onCancelled?.(entry, reason);
    }
    for (const { entry, untilMs, note } of admission.wait) await this.options.repository.markFailed(entry.id, entry.attempts, untilMs, note);
    return admission.send;
  }

  /** The due rows that may go out now; cancels or postpones the waited ones that may not. */
  private async vetted(due: readonly OutboxEntry[], now: number): Promise<OutboxEntry[]> {
    const vet = this.options.vet;
    if (!vet) return [...due];
    const sendable: OutboxEntry[] = [];
    for (const entry of due) {
      const verdict = hasWaited(entry) ? vet(entry, now) : SEND;
      if ('send' in verdict) sendable.push(entry);
      else if ('cancel' in verdict) {
        await this.options.repository.cancel(entry.id, verdict.cancel);
        this.options.onCancelled?.(entry, verdict.cancel);
      } else await this.options.repository.markFailed(entry.id, entry.attempts, verdict.retryAtMs, entry.lastError ?? 'waiting for the partition owner');
    }
    return sendable;
  }

  private async pass(claimant: string): Promise<{ rows: number; count: number }> {
    const now = this.clock();
    const due = await this.options.repository.claimDue(claimant, now, this.options.leaseMs ?? DEFAULT_OUTBOX_LEASE_MS, this.options.batchSize ?? 100);
    return { rows: due.length, count: await this.settle(claimant, due, now) };
  }

  /** Publishes rows `claimant` holds; returns how many were marked published. */
  private async settle(claimant: string, due: readonly OutboxEntry[], now: number): Promise<number> {
    try {
      return await this.publishClaimed(due, now);
    } catch (error) {
      // Rows this pass could not settle are due again at the next pass, not only when the lease runs out.
      await this.options.repository.release(
        due.map((entry) => entry.id),
        claimant,
      );
      throw error;
    }
  }

  /** Publishes claimed rows per channel; returns how many were marked published. Each row ends up settled. */
  private async publishClaimed(due: readonly OutboxEntry[], now: number): Promise<number> {
    const byChannel = new Map<string, OutboxEntry[]>();
    for (const entry of await this.vetted(due, now)) byChannel.set(entry.channel, [...(byChannel.get(entry.channel) ?? []), entry]);
    let count = 0;
    for (const [channel, all] of byChannel) {
      const entries = await this.admitted(channel, all, now);
      if (entries.length === 0) continue;
      const results = await this.options.publisherFor(channel).publish(entries);
      this.faults.at('after-publish');
      const published = entries.filter((_entry, i) => results[i] === null);
      await this.options.repository.markPublished(
        published.map((entry) => entry.id),
        this.clock(),
      );
      count += published.length;
      if (published.length > 0) this.options.onPublished?.(published);
      for (let i = 0; i < entries.length; i++) {
        const error = results[i];
        if (error === null || error === undefined) continue;
        const entry = entries[i]!;
        const attempts = entry.attempts + 1;
        await this.options.repository.markFailed(entry.id, attempts, now + (this.options.backoffMs ?? exponentialBackoff)(attempts), error);
      }
    }
    return count;
  }
}

/** What an emit asks of the dispatcher: a claim to write its rows under, and the hand-over after the commit. */
export interface EmitDispatch {
  claimForEmit(): OutboxClaim | null;
  emitted(claim: OutboxClaim | null, written: readonly OutboxEntry[]): void;
}

/** A lane's claimant: stable when the dispatcher's is (a restarted process finds its lanes' claims), ≤ 64 characters, never the dispatcher's own name. */
function laneClaimant(claimant: string, lane: string, otherwise: string): string {
  const name = `${claimant.slice(0, 62)}~${lane}`;
  return name === claimant ? `${claimant.slice(0, 62)}~${otherwise}` : name;
}
