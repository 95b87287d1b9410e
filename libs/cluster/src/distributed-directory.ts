import type { Logger } from '@kairos/observability';
import type { ClusterDirectoryRepository, ClusterMember, ClusterView, PartitionProgressReport } from '@kairos/persistence';
import type { PartitionDirectory, PartitionOwner, PartitionProgressSource } from './partition-directory';

export interface DistributedDirectoryOptions {
  readonly repository: ClusterDirectoryRepository;
  readonly processId: string;
  readonly partitionCount: number;
  /** The partition worker of this process; absent in processes that own no partitions (ingestion). */
  readonly progress?: PartitionProgressSource;
  readonly logger: Logger;
  /** How often this process proves it is alive and reports its applied offsets (default 1000 ms). */
  readonly heartbeatMs?: number;
  /** A member silent this long is treated as gone (default 3.5 heartbeats). */
  readonly memberTtlMs?: number;
  /** How often the cached view of the directory is re-read (default half a heartbeat). */
  readonly refreshMs?: number;
  readonly clock?: () => number;
}

/** Least time between two on-demand re-reads while a caller waits for a partition to become servable. */
const ON_DEMAND_REFRESH_MS = 50;

/**
 * The partition directory of a distributed deployment, kept in the database every process shares. Each worker
 * claims the partitions the consumer group assigns it (a fresh epoch each time), reports its applied offsets with
 * every heartbeat, and releases a revoked partition — publishing its final applied offset — before it drops the
 * state. A process that stops heartbeating is ignored after `memberTtlMs` and then expired by whoever notices.
 */
export class DistributedDirectory implements PartitionDirectory {
  readonly processId: string;
  readonly partitionCount: number;
  /** Partitions assigned here, with the epoch of our claim once it is written. */
  private readonly owned = new Map<number, number | undefined>();
  /** Released partitions whose release did not reach the database yet, with their final offsets. */
  private readonly pendingReleases = new Map<number, number>();
  /** Applied offsets as last written to the directory, so a heartbeat only raises floors that moved. */
  private readonly reported = new Map<number, number>();
  private member: ClusterMember | undefined;
  private view: ClusterView | undefined;
  private viewAtMs = -Infinity;
  private readsStarted = 0;
  private appliedRead = 0;
  /** Directory writes of this process run one at a time, so a heartbeat never re-claims a partition just released. */
  private writes: Promise<unknown> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  private readonly refreshMs: number;
  private readonly clock: () => number;

  constructor(private readonly options: DistributedDirectoryOptions) {
    this.processId = options.processId;
    this.partitionCount = options.partitionCount;
    this.heartbeatMs = options.heartbeatMs ?? 1_000;
    this.ttlMs = options.memberTtlMs ?? Math.round(this.heartbeatMs * 3.5);
    this.refreshMs = options.refreshMs ?? Math.max(50, Math.round(this.heartbeatMs / 2));
    this.clock = options.clock ?? Date.now;
  }

  /** Joins the directory under `baseUrl` (known once the HTTP server listens) and starts heartbeating. */
  async start(baseUrl: string, startedAtMs = this.clock()): Promise<void> {
    this.member = { processId: this.processId, baseUrl, startedAtMs };
    await this.beat();
    this.timers.push(setInterval(() => void this.beat(), this.heartbeatMs), setInterval(() => void this.refresh(), this.refreshMs));
    for (const timer of this.timers) timer.unref();
  }

  /** Leaves the directory: other processes stop routing here at once instead of after the member TTL. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    const member = this.member;
    this.member = undefined;
    await this.writes;
    if (member) await this.options.repository.leave(member.processId).catch((error: Error) => this.options.logger.warn({ err: error.message }, 'leaving the partition directory failed'));
  }

  /** The consumer group assigned these partitions (after their state was restored). */
  async assigned(partitions: readonly number[]): Promise<void> {
    for (const partition of partitions) {
      this.owned.set(partition, undefined);
      this.pendingReleases.delete(partition);
    }
    await this.serially(async () => {
      const member = this.member;
      const claimed = partitions.filter((p) => this.owned.has(p));
      if (!member || claimed.length === 0) return;
      try {
        const epochs = await this.options.repository.claim(member, this.clock(), this.progressOf(claimed));
        for (const [partition, epoch] of epochs) if (this.owned.has(partition)) this.owned.set(partition, epoch);
      } catch (error) {
        // The next heartbeat claims them; until then they are not servable here and requests get 503 + Retry-After.
        this.options.logger.warn({ partitions, err: (error as Error).message }, 'claiming partitions failed; retrying with the next heartbeat');
      }
    });
    await this.refresh();
  }

  /**
   * The consumer group took these partitions away. They stop being servable here at once (synchronously, before
   * any await), then the release publishes the final applied offsets as the handover floor for the next owner.
   */
  async revoking(partitions: readonly number[]): Promise<void> {
    const released = this.progressOf(partitions.filter((p) => this.owned.has(p)));
    for (const partition of partitions) {
      this.owned.delete(partition);
      this.reported.delete(partition);
    }
    for (const { partition, appliedOffset } of released) this.pendingReleases.set(partition, appliedOffset);
    await this.serially(() => this.flushReleases());
    await this.refresh();
  }

  owns(partition: number): boolean {
    return this.owned.has(partition);
  }

  isServable(partition: number): boolean {
    if (!this.owned.has(partition) || !this.view || this.clock() - this.viewAtMs > this.ttlMs) return false;
    const live = this.liveMembers(this.view);
    let mine = false;
    for (const claim of this.view.claims) {
      if (claim.partition !== partition || !live.has(claim.processId)) continue;
      if (claim.processId !== this.processId) return false; // an earlier owner has not let go yet
      mine = true;
    }
    return mine && this.appliedOffset(partition) >= this.handoverOffset(partition);
  }

  async awaitServable(partition: number, timeoutMs: number): Promise<boolean> {
    const deadline = this.clock() + timeoutMs;
    while (!this.isServable(partition)) {
      if (!this.owned.has(partition) || this.clock() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, ON_DEMAND_REFRESH_MS));
      if (this.clock() - this.viewAtMs >= ON_DEMAND_REFRESH_MS) await this.refresh();
    }
    return true;
  }

  ownerOf(partition: number): PartitionOwner | undefined {
    if (!this.view || this.clock() - this.viewAtMs > this.ttlMs) return undefined;
    const live = this.liveMembers(this.view);
    let best: PartitionOwner | undefined;
    for (const claim of this.view.claims) {
      const member = claim.partition === partition ? live.get(claim.processId) : undefined;
      if (member && (!best || claim.epoch > best.epoch)) best = { processId: claim.processId, baseUrl: member.baseUrl, epoch: claim.epoch };
    }
    return best;
  }

  handoverOffset(partition: number): number {
    return this.view?.handoverOffsets.get(partition) ?? -1;
  }

  async refresh(): Promise<void> {
    // Reads may overlap (timer, on-demand); a read never replaces the view of one that started after it.
    const sequence = ++this.readsStarted;
    try {
      const view = await this.options.repository.view();
      if (sequence < this.appliedRead) return;
      this.appliedRead = sequence;
      this.view = view;
      this.viewAtMs = this.clock();
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'reading the partition directory failed');
    }
  }

  private async beat(): Promise<void> {
    await this.serially(() => this.writeHeartbeat());
    await this.refresh();
  }

  private async writeHeartbeat(): Promise<void> {
    const member = this.member;
    if (!member) return;
    try {
      await this.flushReleases();
      const now = this.clock();
      const known = new Map([...this.owned].filter((entry): entry is [number, number] => entry[1] !== undefined));
      const progress = this.progressOf([...this.owned.keys()]);
      const progressed = progress.filter((p) => this.reported.get(p.partition) !== p.appliedOffset);
      const epochs = await this.options.repository.heartbeat(member, now, progress, known, progressed);
      for (const [partition, epoch] of epochs) if (this.owned.has(partition)) this.owned.set(partition, epoch);
      for (const { partition, appliedOffset } of progressed) this.reported.set(partition, appliedOffset);
      await this.options.repository.expire(now - this.ttlMs);
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'partition directory heartbeat failed');
    }
  }

  private serially<T>(write: () => Promise<T>): Promise<T> {
    const run = this.writes.then(write, write);
    this.writes = run.catch(() => undefined);
    return run;
  }

  private async flushReleases(): Promise<void> {
    if (this.pendingReleases.size === 0 || !this.member) return;
    const released = [...this.pendingReleases].map(([partition, appliedOffset]) => ({ partition, appliedOffset }));
    try {
      await this.options.repository.release(this.processId, this.clock(), released);
      for (const { partition, appliedOffset } of released) if (this.pendingReleases.get(partition) === appliedOffset) this.pendingReleases.delete(partition);
    } catch (error) {
      this.options.logger.warn({ partitions: released.map((r) => r.partition), err: (error as Error).message }, 'releasing partitions failed; retrying with the next heartbeat');
    }
  }

  private liveMembers(view: ClusterView): Map<string, { baseUrl: string }> {
    const cutoff = this.clock() - this.ttlMs;
    return new Map(view.members.filter((m) => m.heartbeatAtMs >= cutoff).map((m) => [m.processId, m]));
  }

  private appliedOffset(partition: number): number {
    return this.options.progress?.store(partition)?.lastAppliedOffset ?? -1;
  }

  private progressOf(partitions: readonly number[]): PartitionProgressReport[] {
    return partitions.map((partition) => ({ partition, appliedOffset: this.appliedOffset(partition) }));
  }
}
