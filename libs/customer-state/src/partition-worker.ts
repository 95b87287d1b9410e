import type { LoggedEvent } from '@kairos/contracts';
import type { LogConsumer, PartitionConsumerHandler } from '@kairos/event-log';
import type { KairosMetrics, Logger } from '@kairos/observability';
import type { PartitionSnapshotRepository } from '@kairos/persistence';
import type { PersonalDataOpener } from '@kairos/privacy';
import { FeatureRegistry, PartitionProfileStore, SnapshotCorruptError, SnapshotIncompatibleError, decodeSnapshot, dormantProfiles, encodeSnapshot } from '@kairos/profile';
import { createHash } from 'node:crypto';
import { AppliedOffsets } from './applied-offsets';
import { decodePartitionSnapshot, encodePartitionSnapshot } from './partition-snapshot-envelope';
import { PartitionLock } from './partition-lock';
import { RecentEventIds } from './recent-event-ids';

export interface PartitionWorkerOptions {
  readonly registry: FeatureRegistry;
  readonly snapshots: PartitionSnapshotRepository;
  readonly metrics: KairosMetrics;
  readonly logger: Logger;
  readonly snapshotEveryEvents: number;
  readonly snapshotEveryMs: number;
  readonly clock?: () => number;
  /**
   * Recently applied event ids remembered per partition to drop duplicate records (0 = off). The embedded log
   * refuses duplicate ids itself; Kafka cannot, so the distributed mode sets this.
   */
  readonly dedupeWindow?: number;
  /**
   * Opens sealed personal fields before the fold sees an event (crypto-shredding). Without it, sealed values would
   * reach the fold as ciphertext: every process whose ingestion seals must set it.
   */
  readonly opener?: PersonalDataOpener;
  /**
   * Deletes the snapshots an erased profile may live on. After applying a `customer_erased` event the worker writes
   * a fresh snapshot and then removes the partition's snapshots older than the erasure (Art. 17).
   */
  readonly erasedSnapshots?: ErasedSnapshotPurge;
  /** How often tick listeners run per owned partition (timers, calendar triggers). Default 1000 ms; 0 = never. */
  readonly tickEveryMs?: number;
}

/** What `forgetDormantCustomers` did, in counts only. */
export interface DormantCustomersOutcome {
  /** Owned partitions that were looked at. */
  readonly partitions: number;
  readonly forgotten: number;
  /** Dormant, but kept: a withdrawal, refusal or objection in force lives in the profile (see dormantProfiles). */
  readonly heldForConsent: number;
}

/** Removes a partition's snapshots taken before `offset` (implemented by ErasureRepository in @kairos/persistence). */
export interface ErasedSnapshotPurge {
  deleteSnapshotsBefore(partition: number, offset: number): Promise<number>;
}

interface OwnedPartition {
  readonly store: PartitionProfileStore;
  readonly applied: AppliedOffsets;
  readonly recentIds: RecentEventIds | null;
  /** Applying a batch (with its listeners), a tick and capturing a snapshot exclude each other. */
  readonly lock: PartitionLock;
  appliedSinceSnapshot: number;
  /** A tick or a retention pass changed state since the last snapshot (nothing was applied, but the state moved). */
  changedWithoutEventsSinceSnapshot: boolean;
  snapshotting: Promise<void> | null;
  /** Offset of the latest applied `customer_erased` whose older snapshots are not deleted yet, or -1. */
  purgeSnapshotsBefore: number;
  /**
   * Newest offset whose batch has been folded AND whose effects settled (triggers evaluated, their fires audited,
   * decided and emitted — in the background, see PartitionStateExtension.settled).
   * Readers that must see an event's full effect (read-your-writes of decisions, "in force" of consents) wait for it.
   */
  settledOffset: number;
}

/**
 * Listens to what a partition worker does, so later stages (triggers, rules, decisions) can hook in. A listener may
 * return a promise: the worker awaits it before the next batch of the partition, and no snapshot (hence no offset
 * commit) can cover the batch before it resolved — so what a listener made durable (an outbox write) is never
 * lost to a crash, and what it did not finish is replayed. A listener that throws fails the batch: the consumer
 * retries it (the records are applied already; the listener sees them again and must be idempotent).
 */
// `unknown`, not `void | Promise<void>`: synchronous listeners written as expressions (`=> seen.push(...)`) stay valid.
export type AppliedListener = (partition: number, records: readonly LoggedEvent[], store: PartitionProfileStore) => unknown;

/** Runs every `tickEveryMs` per owned partition, excluded from batches like a listener. Return true if state changed. */
export type TickListener = (partition: number, nowMs: number, store: PartitionProfileStore) => unknown;

/** Told after partitions were assigned (restored) or revoked (after their final snapshot). */
export type PartitionsListener = (partitions: readonly number[]) => void | Promise<void>;

/**
 * Extra per-partition state stored in the SAME snapshot row as the profile, at the same offset, and restored with
 * it (e.g. trigger engines and their durable timers). Register before the worker is assigned partitions.
 */
export interface PartitionStateExtension {
  /** Unique key of the blob in the snapshot row. */
  readonly name: string;
  /**
   * The partition is being restored: `data` is this extension's blob of the snapshot the profile comes from, or
   * null (no snapshot, or one written without this extension: start fresh). Throw SnapshotCorruptError or
   * SnapshotIncompatibleError to reject the snapshot; the worker then tries an older one, then a full replay.
   */
  restore(partition: number, data: Uint8Array | null, store: PartitionProfileStore): void;
  /** The state as bytes, at the store's current offset. Synchronous: called while nothing else runs on the partition. */
  capture(partition: number): Uint8Array;
  /** The partition was revoked (after its final snapshot): drop its state. */
  release(partition: number): void;
  /**
   * The retention job forgot these customers of the partition (dormant profiles): drop everything kept per customer
   * (counts, timers, cooldowns, indexes). Called under the partition's lock, right after the profiles went.
   */
  forgetCustomers?(partition: number, customerIds: readonly string[]): void;
  /**
   * Work the extension started for the partition's batches so far and finishes outside the worker's lock (trigger
   * fires settling in the background): a promise that resolves once it is done, or rejects when it failed (it is
   * retried with a later batch or tick); undefined when nothing is under way. The worker advances the partition's
   * settled offset (what read-your-writes waits for) only after it, and awaits it before capturing a snapshot, so a
   * revoke hands over no fire in flight.
   */
  settled?(partition: number): Promise<void> | undefined;
}

/**
 * Owns the profiles of the partitions this process is assigned. State = latest valid snapshot + replay of the
 * log after its offset; every snapshot is stored together with the offset it covers, so a crash at any point
 * replays exactly the records the snapshot lacks (at-least-once delivery + offset check = each event applied once).
 */
export class PartitionWorker implements PartitionConsumerHandler {
  private readonly owned = new Map<number, OwnedPartition>();
  private readonly listeners: AppliedListener[] = [];
  private readonly settledListeners: ((partition: number, settledOffset: number) => void)[] = [];
  private readonly tickListeners: TickListener[] = [];
  private readonly assignedListeners: PartitionsListener[] = [];
  private readonly revokedListeners: PartitionsListener[] = [];
  private readonly extensions: PartitionStateExtension[] = [];
  private consumer: LogConsumer | undefined;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The partition the periodic snapshots visited last: they go round the owned partitions in order. */
  private lastPeriodicSnapshot = -1;
  private tickTimer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | null = null;
  private readonly clock: () => number;

  constructor(private readonly options: PartitionWorkerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Starts periodic snapshots; `consumer` receives offset commits after each snapshot. */
  attach(consumer: LogConsumer): void {
    this.consumer = consumer;
    this.schedulePeriodicSnapshot();
    const tickEveryMs = this.options.tickEveryMs ?? 1_000;
    if (tickEveryMs > 0) {
      this.tickTimer = setInterval(() => void this.runTicks(), tickEveryMs);
      this.tickTimer.unref();
    }
  }

  onApplied(listener: AppliedListener): void {
    this.listeners.push(listener);
  }

  /** Called once a batch's listeners all settled, with the partition's settled offset (see `appliedAt`). */
  onSettled(listener: (partition: number, settledOffset: number) => void): void {
    this.settledListeners.push(listener);
  }

  onTick(listener: TickListener): void {
    this.tickListeners.push(listener);
  }

  onPartitionsAssigned(listener: PartitionsListener): void {
    this.assignedListeners.push(listener);
  }

  onPartitionsRevoked(listener: PartitionsListener): void {
    this.revokedListeners.push(listener);
  }

  /** Adds per-partition state to the snapshots. Partitions already owned keep theirs until reassigned. */
  addStateExtension(extension: PartitionStateExtension): void {
    if (this.extensions.some((e) => e.name === extension.name)) throw new Error(`a partition state extension named ${extension.name} is registered already`);
    this.extensions.push(extension);
  }

  async onAssigned(partitions: readonly number[]): Promise<ReadonlyMap<number, number>> {
    const starts = new Map<number, number>();
    for (const partition of partitions) {
      const store = await this.restore(partition);
      const recentIds = this.options.dedupeWindow ? new RecentEventIds(this.options.dedupeWindow) : null;
      this.owned.set(partition, {
        store,
        applied: new AppliedOffsets(),
        recentIds,
        lock: new PartitionLock(),
        appliedSinceSnapshot: 0,
        changedWithoutEventsSinceSnapshot: false,
        snapshotting: null,
        purgeSnapshotsBefore: -1,
        settledOffset: store.lastAppliedOffset,
      });
      starts.set(partition, store.lastAppliedOffset + 1);
    }
    for (const listener of this.assignedListeners) await listener(partitions);
    this.options.logger.info({ partitions }, 'partitions assigned');
    return starts;
  }

  async onRevoked(partitions: readonly number[]): Promise<void> {
    for (const partition of partitions) {
      const owned = this.owned.get(partition);
      if (!owned) continue;
      // Hand over with a fresh snapshot so the next owner replays little; state correctness does not depend on it.
      await this.snapshot(partition, owned).catch((error: Error) =>
        this.options.logger.warn({ partition, err: error.message }, 'snapshot at revoke failed; the next owner replays more'),
      );
      this.owned.delete(partition);
      for (const extension of this.extensions) extension.release(partition);
    }
    for (const listener of this.revokedListeners) await listener(partitions);
    this.options.logger.info({ partitions }, 'partitions revoked');
  }

  async onRecords(partition: number, sealedRecords: readonly LoggedEvent[]): Promise<void> {
    const owned = this.owned.get(partition);
    if (!owned) return;
    // Keys of the whole batch in one query; a field whose key is destroyed reaches the fold as absent.
    const records = this.options.opener ? await this.options.opener.openRecords(sealedRecords) : sealedRecords;
    let erasedAt = -1;
    await owned.lock.run(async () => {
      // Revoked while the records were opened or the lock awaited: this state was handed over and released, and the
      // next owner (this process again, after a rebalance) reads the records from its own offset.
      if (this.owned.get(partition) !== owned) return;
      erasedAt = this.apply(owned, records);
      // Awaited under the lock: a snapshot cannot capture the state after this batch before the listeners returned.
      for (const listener of this.listeners) await listener(partition, records, owned.store);
      const foldedOffset = owned.store.lastAppliedOffset;
      const background = this.extensionsSettled(partition);
      if (background === undefined) this.advanceSettled(partition, owned, foldedOffset);
      // Not awaited: the next batch (of every partition, in Kafka mode) is folded while the fires settle.
      else background.then(() => this.advanceSettled(partition, owned, foldedOffset), () => undefined);
    });
    if (this.owned.get(partition) !== owned) return;
    if (erasedAt >= 0) {
      // The state is applied either way; a failed rewrite stays pending and is retried with the next snapshot.
      await this.snapshot(partition, owned).catch((error: Error) =>
        this.options.logger.warn({ partition, err: error.message }, 'snapshot after an erasure failed; retrying at the next interval'),
      );
    } else if (owned.appliedSinceSnapshot >= this.options.snapshotEveryEvents && owned.snapshotting === null) {
      // In the background: the next batch waits for the capture (it takes the lock), not for the write and the offset
      // commit. Awaited here, every snapshot write stalled the fold of the partitions behind it by its round trips
      // (Kafka mode p99 accept→applied). Stop and revoke wait for a running snapshot before their final one.
      void this.snapshot(partition, owned).catch((error: Error) =>
        this.options.logger.warn({ partition, err: error.message }, 'snapshot failed; retried after the next batch'),
      );
    }
  }

  /** Runs the tick listeners once for every owned partition (the interval calls it; tests may call it directly). */
  async runTicks(): Promise<void> {
    // One round at a time: a slow round (a tick awaiting its outbox) is not stacked up by the interval.
    if (this.ticking) return this.ticking;
    const round = (async () => {
      for (const [partition, owned] of this.owned) {
        for (const listener of this.tickListeners) {
          await owned.lock
            .run(async () => {
              if (this.owned.get(partition) !== owned) return;
              if ((await listener(partition, this.clock(), owned.store)) === true) owned.changedWithoutEventsSinceSnapshot = true;
            })
            .catch((error: Error) => this.options.logger.warn({ partition, err: error.message }, 'partition tick failed; retrying at the next tick'));
        }
      }
    })();
    this.ticking = round;
    try {
      await round;
    } finally {
      this.ticking = null;
    }
  }

  /**
   * Retention of profiles: in every partition this process owns, forgets the customers whose last event happened
   * before `lastEventBeforeMs` (`dormantProfiles`), in the profile store and in every extension, then writes a
   * snapshot without them. Runs under the partition's lock like a batch, so it cannot race an event of the customer:
   * one folded before makes the customer active again, one folded after starts a fresh profile. A failed snapshot
   * write is retried by the periodic snapshot (the partition stays marked changed).
   */
  async forgetDormantCustomers(lastEventBeforeMs: number): Promise<DormantCustomersOutcome> {
    let partitions = 0;
    let forgotten = 0;
    let heldForConsent = 0;
    for (const [partition, owned] of [...this.owned]) {
      const dormant = await owned.lock.run(async () => {
        if (this.owned.get(partition) !== owned) return null;
        const found = dormantProfiles(owned.store, lastEventBeforeMs);
        if (found.customerIds.length === 0) return found;
        for (const customerId of found.customerIds) owned.store.forget(customerId);
        for (const extension of this.extensions) extension.forgetCustomers?.(partition, found.customerIds);
        owned.changedWithoutEventsSinceSnapshot = true;
        return found;
      });
      if (dormant === null) continue;
      partitions++;
      forgotten += dormant.customerIds.length;
      heldForConsent += dormant.heldForConsent;
      if (dormant.customerIds.length === 0) continue;
      await this.snapshot(partition, owned).catch((error: Error) => {
        owned.changedWithoutEventsSinceSnapshot = true;
        this.options.logger.warn({ partition, err: error.message }, 'snapshot after forgetting dormant customers failed; retrying at the next interval');
      });
    }
    return { partitions, forgotten, heldForConsent };
  }

  store(partition: number): PartitionProfileStore | undefined {
    return this.owned.get(partition)?.store;
  }

  ownedPartitions(): number[] {
    return [...this.owned.keys()];
  }

  /** When `offset` of `partition` was applied: a time, `true` (applied, time no longer kept), or false. */
  appliedAt(partition: number, offset: number): number | true | false {
    const owned = this.owned.get(partition);
    // Settled, not merely folded: the triggers and emits of the batch are done when this says applied.
    if (!owned || offset > owned.settledOffset) return false;
    return owned.applied.appliedAt(offset) ?? true;
  }

  /** Resolves once what the extensions still finish in the background for the owned partitions is done or failed. */
  async settled(): Promise<void> {
    await Promise.all([...this.owned.keys()].map((partition) => this.extensionsSettled(partition)?.catch(() => undefined)));
  }

  async snapshotAll(): Promise<void> {
    for (const [partition, owned] of this.owned) await this.snapshot(partition, owned);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    if (this.tickTimer) clearInterval(this.tickTimer);
    await this.ticking;
    // A background snapshot still writing must finish before the stores it writes to are closed.
    await this.snapshotsWritten();
  }

  /** Resolves once every snapshot under way (a batch starts one in the background) is written or failed. */
  async snapshotsWritten(): Promise<void> {
    await Promise.all([...this.owned.values()].map((owned) => owned.snapshotting?.catch(() => undefined)));
  }

  /** Folds a batch into the store; returns the offset of the last `customer_erased` in it, or -1. */
  private apply(owned: OwnedPartition, records: readonly LoggedEvent[]): number {
    const now = this.clock();
    let applied = 0;
    let erasedAt = -1;
    for (const record of records) {
      if (record.offset <= owned.store.lastAppliedOffset) continue;
      if (owned.recentIds && !owned.recentIds.add(record.event.id)) {
        // A second copy of an applied event: skipped, but its offset counts as done so no replay applies it.
        owned.store.lastAppliedOffset = record.offset;
        this.options.metrics.eventsDuplicate.inc();
        continue;
      }
      // Even an erasure that finds no profile here rewrites the snapshots: an older one may still hold it.
      if (record.event.type === 'customer_erased') erasedAt = record.offset;
      if (!owned.store.apply(record)) continue;
      owned.applied.record(record.offset, now);
      this.options.metrics.acceptToApplied.observe(Math.max(0, now - record.event.receivedAtMs) / 1000);
      applied++;
    }
    this.options.metrics.eventsApplied.inc(applied);
    owned.appliedSinceSnapshot += applied;
    // Set before any listener runs: a listener that fails must not leave the erased profile's old snapshots behind.
    if (erasedAt >= 0) owned.purgeSnapshotsBefore = erasedAt;
    return erasedAt;
  }

  /**
   * Periodic snapshots visit one owned partition at a time, spread over the interval, so each is still snapshotted
   * every snapshotEveryMs. Taken all at once, every partition's snapshot reached the database in one burst, and in
   * Kafka mode that burst held up the audit and outbox commits of the decisions around it (event→action p99 59–79 ms
   * at 5,000 events/s against 15–19 ms with periodic snapshots off; docs/benchmarks.md, session 8).
   */
  private schedulePeriodicSnapshot(): void {
    if (this.stopped) return;
    this.snapshotTimer = setTimeout(() => void this.snapshotNextChanged().finally(() => this.schedulePeriodicSnapshot()), this.options.snapshotEveryMs / Math.max(1, this.owned.size));
    this.snapshotTimer.unref();
  }

  /** Snapshots the owned partition after the one visited last, if it changed since its last snapshot. */
  private async snapshotNextChanged(): Promise<void> {
    const partitions = [...this.owned.keys()].sort((a, b) => a - b);
    const partition = partitions.find((p) => p > this.lastPeriodicSnapshot) ?? partitions[0];
    if (partition === undefined) return;
    this.lastPeriodicSnapshot = partition;
    const owned = this.owned.get(partition)!;
    if (owned.appliedSinceSnapshot === 0 && !owned.changedWithoutEventsSinceSnapshot && owned.purgeSnapshotsBefore < 0) return;
    await this.snapshot(partition, owned).catch((error: Error) =>
      this.options.logger.warn({ partition, err: error.message }, 'periodic snapshot failed; retrying at the next visit'),
    );
  }

  /** What the extensions still finish in the background for the partition, as one promise; undefined when nothing. */
  private extensionsSettled(partition: number): Promise<void> | undefined {
    const pending = this.extensions.map((extension) => extension.settled?.(partition)).filter((work) => work !== undefined);
    return pending.length === 0 ? undefined : Promise.all(pending).then(() => undefined);
  }

  private advanceSettled(partition: number, owned: OwnedPartition, offset: number): void {
    if (offset <= owned.settledOffset) return;
    owned.settledOffset = offset;
    for (const listener of this.settledListeners) listener(partition, offset);
  }

  private async snapshot(partition: number, owned: OwnedPartition): Promise<void> {
    // One snapshot per partition at a time; a caller arriving meanwhile waits for the running one.
    while (owned.snapshotting) await owned.snapshotting;
    // Fires still settling would travel in the snapshot as pending and be driven again by whoever restores it (the
    // next owner after a revoke): the snapshot waits for them. A failed settle stays pending, as it must.
    await this.extensionsSettled(partition)?.catch(() => undefined);
    if (owned.store.lastAppliedOffset < 0) return;
    const run = (async () => {
      // Captured while no batch, listener or tick runs on the partition: profile and extensions at one offset.
      const captured = await owned.lock.run(async () => {
        // Released meanwhile (revoked): its extensions' state may already be the next assignment's.
        if (this.owned.get(partition) !== owned) return null;
        owned.changedWithoutEventsSinceSnapshot = false;
        return { offset: owned.store.lastAppliedOffset, applied: owned.appliedSinceSnapshot, data: this.capture(partition, owned) };
      });
      if (captured === null) return;
      const { offset, applied, data } = captured;
      const checksum = createHash('sha256').update(data).digest('hex');
      await this.options.snapshots.save({ partition, offset, createdAtMs: this.clock(), checksum, data });
      owned.appliedSinceSnapshot = Math.max(0, owned.appliedSinceSnapshot - applied);
      this.options.metrics.snapshotsWritten.inc();
      await this.purgeErasedSnapshots(partition, owned, offset);
      await this.consumer?.commit(partition, offset + 1);
    })();
    owned.snapshotting = run;
    try {
      await run;
    } finally {
      owned.snapshotting = null;
    }
  }

  private capture(partition: number, owned: OwnedPartition): Uint8Array {
    const profile = encodeSnapshot(owned.store);
    if (this.extensions.length === 0) return profile;
    return encodePartitionSnapshot(profile, new Map(this.extensions.map((extension) => [extension.name, extension.capture(partition)])));
  }

  /**
   * Once a snapshot at or after an erasure is stored, the older ones — which may still hold the erased profile —
   * are deleted. A crash before this leaves the erasure's record in the log after the restored snapshot: the
   * replay applies it again and the purge happens then.
   */
  private async purgeErasedSnapshots(partition: number, owned: OwnedPartition, snapshotOffset: number): Promise<void> {
    const erasedAt = owned.purgeSnapshotsBefore;
    if (erasedAt < 0 || snapshotOffset < erasedAt || !this.options.erasedSnapshots) return;
    const deleted = await this.options.erasedSnapshots.deleteSnapshotsBefore(partition, erasedAt);
    if (owned.purgeSnapshotsBefore === erasedAt) owned.purgeSnapshotsBefore = -1;
    this.options.logger.info({ partition, erasedAt, deleted }, 'snapshots older than an erasure deleted');
  }

  /** Newest snapshot that decodes; a corrupt one is skipped (and counted), never served. None → full replay. */
  private async restore(partition: number): Promise<PartitionProfileStore> {
    for (const stored of await this.options.snapshots.newestFirst(partition)) {
      try {
        const parts = decodePartitionSnapshot(stored.data);
        const store = decodeSnapshot(parts.profile, this.options.registry);
        if (store.partition !== partition || store.lastAppliedOffset !== stored.offset) {
          throw new SnapshotCorruptError(`snapshot row (${partition}, ${stored.offset}) holds partition ${store.partition} at ${store.lastAppliedOffset}`);
        }
        for (const extension of this.extensions) extension.restore(partition, parts.extensions.get(extension.name) ?? null, store);
        return store;
      } catch (error) {
        if (!(error instanceof SnapshotCorruptError || error instanceof SnapshotIncompatibleError)) throw error;
        this.options.metrics.snapshotsRejected.inc();
        this.options.logger.warn({ partition, offset: stored.offset, reason: error.message }, 'snapshot rejected; falling back');
      }
    }
    const store = new PartitionProfileStore({ partition, registry: this.options.registry });
    for (const extension of this.extensions) extension.restore(partition, null, store);
    return store;
  }
}
