import type { AuditRecordDraft, AuditReceipt } from '@kairos/audit';
import type { CustomerEvent, EventData, EventType, LoggedEvent } from '@kairos/contracts';
import { PartitionWorker } from '@kairos/customer-state';
import { DecisionOutcome, DecisionRequest, decide, loadActionCatalogFile, profileFeatureSource } from '@kairos/decisioning';
import { KairosMetrics, createLogger } from '@kairos/observability';
import type { PartitionSnapshotRepository, StoredSnapshot } from '@kairos/persistence';
import { defaultFeatureRegistry, profileAttributes, profileOf } from '@kairos/profile';
import { SEED_TRIGGER_DOCUMENT, compileTriggerSet } from '@kairos/triggers';
import { TriggerRuntime } from './trigger-runtime';

const registry = defaultFeatureRegistry();
const catalog = loadActionCatalogFile(undefined, { isFeature: (name) => registry.has(name) });
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

/** One partition's worker + trigger runtime over shared snapshot rows, audit drafts and sink (what survives a crash). */
class Harness {
  readonly saved: StoredSnapshot[] = [];
  readonly drafts: AuditRecordDraft[] = [];
  readonly emits: DecisionOutcome[] = [];
  readonly log: LoggedEvent[] = [];
  now = T0;
  failEmits = 0;
  /** While set, every emit waits for it (an outbox commit that takes its time). */
  emitGate: Promise<void> | null = null;
  worker!: PartitionWorker;
  triggers!: TriggerRuntime;

  async start(snapshotsKept = this.saved.length): Promise<void> {
    const rows = this.saved.slice(0, snapshotsKept);
    const snapshots = { newestFirst: async () => [...rows].reverse(), save: async (s: StoredSnapshot) => void this.saved.push(s) } as unknown as PartitionSnapshotRepository;
    const logger = createLogger({ level: 'silent' });
    this.worker = new PartitionWorker({ registry, snapshots, metrics: new KairosMetrics({ collectProcessMetrics: false }), logger, snapshotEveryEvents: 1_000, snapshotEveryMs: 60_000, clock: () => this.now });
    this.triggers = new TriggerRuntime({
      triggers: compileTriggerSet(SEED_TRIGGER_DOCUMENT, { registry }),
      catalog,
      audit: { append: async (draft) => (this.drafts.push(draft), {}) as AuditReceipt },
      decisions: { decideOwned: async (request) => this.decide(request) },
      actions: {
        emit: async (outcomes) => {
          await this.emitGate;
          if (this.failEmits-- > 0) throw new Error('outbox unavailable');
          this.emits.push(...outcomes);
        },
      },
      logger,
      clock: () => this.now,
    });
    this.triggers.attach(this.worker);
    const starts = await this.worker.onAssigned([0]);
    const from = starts.get(0)!;
    if (from < this.log.length) await this.worker.onRecords(0, this.log.slice(from));
  }

  emit<T extends EventType>(customerId: string, type: T, atMs: number, data: EventData<T>): Promise<void> {
    const event = { id: `e-${this.log.length}`, type, customerId, occurredAt: new Date(atMs).toISOString(), occurredAtMs: atMs, receivedAtMs: atMs, source: 'test', data } as CustomerEvent;
    const record: LoggedEvent = { partition: 0, offset: this.log.length, event };
    this.log.push(record);
    return this.worker.onRecords(0, [record]);
  }

  fires(triggerId: string): AuditRecordDraft[] {
    return this.drafts.filter((d) => d.kind === 'trigger_fired' && d.logic?.triggerId === `${triggerId}@1`);
  }

  private decide(request: DecisionRequest): DecisionOutcome {
    const state = profileOf(this.worker.store(0)!, request.customerId);
    return decide(catalog, request, {
      features: profileFeatureSource(registry, state, request.nowMs, () => undefined),
      stateOffset: state ? profileAttributes(state).lastOffset : -1,
      timeZone: state ? profileAttributes(state).timeZone : null,
      consent: { may: () => true, objectsTo: () => false, snapshot: () => ({ asOfOffset: 0, grants: [], objections: [] }) },
      triggers: this.triggers.recentFires(0, request.customerId, request.nowMs),
      content: (ref) => `${ref}@1`,
    });
  }
}

const opened = (productId: string) => ({ product: 'credit_card' as const, productId });

describe('TriggerRuntime in a partition worker', () => {
  it('refires with the same occasion and decision id when a crash loses the snapshot after the fire', async () => {
    const h = new Harness();
    await h.start();
    await h.emit('c-1', 'product_opened', T0, opened('cc-1'));
    await h.worker.snapshotAll();
    h.now = T0 + 30 * DAY + 60_000;
    await h.worker.runTicks();
    expect(h.emits.map((o) => o.decisionId)).toHaveLength(1);
    await h.worker.snapshotAll();

    // Restart from the older snapshot only (the one after the fire is lost): the timer fires again, identically.
    await h.start(1);
    await h.worker.runTicks();
    expect(h.fires('credit-card-unused-30d')).toHaveLength(2);
    expect(new Set(h.fires('credit-card-unused-30d').map((d) => (d.output as { occasionId: string }).occasionId)).size).toBe(1);
    expect(h.emits).toHaveLength(2);
    expect(h.emits[1].decisionId).toBe(h.emits[0].decisionId);

    // From the newest snapshot nothing fires again.
    await h.start();
    await h.worker.runTicks();
    expect(h.emits).toHaveLength(2);
  });

  it('keeps a fire whose outbox write failed pending (in the snapshot too) and completes it on the retry, audited once', async () => {
    const h = new Harness();
    await h.start();
    await h.emit('c-1', 'product_opened', T0, opened('cc-1'));
    h.now = T0 + 30 * DAY + 60_000;
    h.failEmits = 1;
    await h.worker.runTicks();
    expect(h.emits).toHaveLength(0);
    expect(h.triggers.pendingFires(0)).toBe(1);
    await h.worker.snapshotAll();

    // A restart from that snapshot drives the pending fire at the next tick, without a second audit record.
    await h.start();
    expect(h.triggers.pendingFires(0)).toBe(1);
    await h.worker.runTicks();
    expect(h.emits.map((o) => o.customerId)).toEqual(['c-1']);
    expect(h.fires('credit-card-unused-30d')).toHaveLength(1);
    expect(h.triggers.pendingFires(0)).toBe(0);
  });

  it('keeps fires pending while the sink is down without holding up the fold, emits once it is back; an erasure drops what is still pending', async () => {
    const h = new Harness();
    await h.start();
    await h.emit('c-1', 'product_opened', T0, opened('cc-1'));
    await h.emit('c-2', 'product_opened', T0, opened('cc-2'));
    h.now = T0 + 30 * DAY + 60_000;
    h.failEmits = 1;
    await h.worker.runTicks();
    expect(h.triggers.pendingFires(0)).toBe(2);
    h.failEmits = 1;
    // The erasure is folded although its batch's settle fails: the fires are settled in the background.
    await h.emit('c-2', 'customer_erased', T0 + 30 * DAY, { requestId: 'dsr-1', receivedAt: new Date(T0 + 30 * DAY).toISOString() });
    await h.triggers.settled(0)?.catch(() => undefined);
    expect(h.emits).toEqual([]);
    expect(h.triggers.pendingFires(0)).toBe(1);
    // The next tick settles what is left: c-1 only.
    await h.worker.runTicks();
    expect(h.emits.map((o) => o.customerId)).toEqual(['c-1']);
    expect(h.triggers.pendingFires(0)).toBe(0);
    expect(h.triggers.recentFires(0, 'c-2', h.now)).toEqual([]);
  });

  it('drops the timers of a customer the retention job forgets as dormant, and keeps the others', async () => {
    const h = new Harness();
    await h.start();
    await h.emit('c-1', 'product_opened', T0, opened('cc-1'));
    await h.emit('c-2', 'product_opened', T0 + DAY, opened('cc-2'));
    const pendingTimers = () => h.triggers.stats()[0].pendingTimers;
    const timersOfBoth = pendingTimers();
    expect(timersOfBoth).toBeGreaterThan(0);
    // c-1's last event is before the cutoff, c-2's after it.
    await expect(h.worker.forgetDormantCustomers(T0 + 1)).resolves.toEqual(expect.objectContaining({ forgotten: 1 }));
    expect(pendingTimers()).toBe(timersOfBoth / 2);
    h.now = T0 + 31 * DAY + 60_000;
    await h.worker.runTicks();
    expect(h.emits.map((o) => o.customerId)).toEqual(['c-2']);
    expect(h.fires('credit-card-unused-30d').map((d) => d.subject)).toEqual(['c-2']);
  });

  it('folds the next batch while a fire settles, and a revoke waits for the settle before its final snapshot', async () => {
    const h = new Harness();
    await h.start();
    let open!: () => void;
    h.emitGate = new Promise<void>((resolve) => (open = resolve));
    await h.emit('c-1', 'product_opened', T0, opened('cc-1'));
    // Over the limit: an outbound recommendation, whose emit waits at the gate.
    await h.emit('c-1', 'balance_changed', T0 + 60_000, { productId: 'cc-1', product: 'credit_card', balance: -2150, limit: 2000 });
    await h.emit('c-1', 'login', T0 + 120_000, { channel: 'app' });
    // Folded past the fire while it settles; read-your-writes (the settled offset) still waits for it.
    expect(h.worker.store(0)!.lastAppliedOffset).toBe(2);
    expect(h.worker.appliedAt(0, 0)).not.toBe(false);
    expect(h.worker.appliedAt(0, 1)).toBe(false);
    expect(h.triggers.pendingFires(0)).toBe(1);

    let revoked = false;
    const revoke = h.worker.onRevoked([0]).then(() => (revoked = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(revoked).toBe(false);
    open();
    await revoke;
    expect(h.emits.map((o) => o.customerId)).toEqual(['c-1']);
    expect(h.saved.at(-1)!.offset).toBe(2);
    // The hand-over snapshot holds no fire in flight: the next owner does not drive it again.
    h.emitGate = null;
    await h.start();
    expect(h.triggers.pendingFires(0)).toBe(0);
    await h.worker.runTicks();
    expect(h.emits).toHaveLength(1);
  });

  it('hot deploys a new trigger set into the running engines', async () => {
    const h = new Harness();
    await h.start();
    const pin = (atMs: number) => h.emit('c-1', 'atm_pin_failed', atMs, { cardId: 'card-1', atmId: 'atm-1' });
    await pin(T0);
    await pin(T0 + 60_000);
    expect(h.fires('card-lock-after-pin-failures')).toHaveLength(0);
    const document = structuredClone(SEED_TRIGGER_DOCUMENT) as { version: string; triggers: { id: string; atLeast?: number; version?: number }[] };
    const cardLock = document.triggers.find((t) => t.id === 'card-lock-after-pin-failures')!;
    cardLock.atLeast = 2;
    h.triggers.deploy(compileTriggerSet({ ...document, version: 'hot' }, { registry }));
    await pin(T0 + 2 * 60_000);
    await pin(T0 + 3 * 60_000);
    expect(h.fires('card-lock-after-pin-failures')).toHaveLength(1);
    expect(h.triggers.triggerSet.version).toBe('hot');
  });
});
