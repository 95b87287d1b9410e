import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditConsentSnapshot, AuditRecordDraft, AuditTrail } from '@kairos/audit';
import { loadConfig } from '@kairos/config';
import { partitionForCustomer } from '@kairos/contracts';
import { ActionCatalog, ConsentPort, DecisionOutcome, DecisionRequest, decide, decisionAuditDraft, loadActionCatalogFile, profileFeatureSource } from '@kairos/decisioning';
import type { ActionSink, DecisionMaker, TriggerContextSource, TriggerRuntime } from '@kairos/decisioning-service';
import { createLogger } from '@kairos/observability';
import { PartitionSnapshotRepository } from '@kairos/persistence';
import { profileAttributes, profileOf } from '@kairos/profile';
import { localDateTime } from '@kairos/triggers';
import { KairosRuntime } from './kairos-runtime';

/**
 * Triggers in the partition workers of a real embedded runtime (SQLite, embedded log, real audit journal): seed
 * cases 1–3 with an injected trigger clock, across restarts that restore from snapshot and replay the log.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Event times lie in the past (ingestion refuses the future); the trigger clock walks forward from T0.
const T0 = Math.floor((Date.now() - 40 * DAY) / HOUR) * HOUR;

/** Consent for every purpose and channel: the tests are about triggers, not about consent. */
const CONSENTED: ConsentPort = {
  may: () => true,
  objectsTo: () => false,
  snapshot: (): AuditConsentSnapshot => ({ asOfOffset: 0, grants: [], objections: [] }),
};

/** A real DecisionMaker: the decide() pipeline over the seed catalog and the worker's live profiles, audited. */
class SeedDecisionMaker implements DecisionMaker {
  constructor(
    private readonly runtime: KairosRuntime,
    private readonly catalog: ActionCatalog,
    private readonly triggers: () => TriggerContextSource,
  ) {}

  async decideOwned(request: DecisionRequest): Promise<DecisionOutcome> {
    const partition = partitionForCustomer(request.customerId, this.runtime.config.partitions);
    const store = this.runtime.worker.store(partition)!;
    const state = profileOf(store, request.customerId);
    const outcome = decide(this.catalog, request, {
      features: profileFeatureSource(this.runtime.registry, state, request.nowMs, () => undefined),
      stateOffset: state ? profileAttributes(state).lastOffset : -1,
      timeZone: state ? profileAttributes(state).timeZone : null,
      consent: CONSENTED,
      // Every content reference counts as approved: content review is another module's test.
      content: (ref) => `${ref}@approved`,
      triggers: this.triggers().recentFires(partition, request.customerId, request.nowMs),
    });
    await this.runtime.audit.journal.append(decisionAuditDraft(outcome, { type: 'component', component: 'test-decisions', version: '1' }));
    return outcome;
  }
}

/** The outbox stand-in: records every emit, keeps one outcome per decision id (the dedupe a real outbox does). */
class RecordingSink implements ActionSink {
  readonly emits: DecisionOutcome[] = [];
  readonly byDecision = new Map<string, DecisionOutcome>();

  async emit(outcomes: readonly DecisionOutcome[]): Promise<void> {
    for (const outcome of outcomes) {
      this.emits.push(outcome);
      if (!this.byDecision.has(outcome.decisionId)) this.byDecision.set(outcome.decisionId, outcome);
    }
  }
}

interface Running {
  readonly runtime: KairosRuntime;
  readonly triggers: TriggerRuntime;
}

describe('triggers in the partition workers (embedded runtime)', () => {
  let dataDir: string;
  let now = T0;
  const sink = new RecordingSink();
  const audited: AuditRecordDraft[] = [];
  let running: Running;

  async function open(): Promise<Running> {
    const config = loadConfig({ KAIROS_DATA_DIR: dataDir, KAIROS_DEMO_POPULATION: 'false', KAIROS_SNAPSHOT_EVERY_EVENTS: '100000', KAIROS_SQLITE_SYNC: 'normal' });
    // Every trigger_fired draft is seen here and written to the runtime's real audit journal; the runtime's trigger
    // runtime runs on the test's clock and emits into the recording sink.
    const opened: { runtime?: KairosRuntime } = {};
    const audit: AuditTrail = {
      append: (draft) => {
        audited.push(draft);
        return (opened.runtime as KairosRuntime).audit.journal.append(draft);
      },
    };
    const runtime = await KairosRuntime.open(config, createLogger({ level: 'silent' }), undefined, {
      triggers: {
        clock: () => now,
        audit,
        actions: sink,
        decisions: (built) => new SeedDecisionMaker(built, loadActionCatalogFile(undefined, { isFeature: (name) => built.registry.has(name) }), () => built.modules.triggers),
      },
    });
    opened.runtime = runtime;
    await runtime.startWorker();
    await caughtUp(runtime);
    return { runtime, triggers: runtime.modules.triggers };
  }

  async function ingest(...events: Record<string, unknown>[]): Promise<void> {
    const result = await running.runtime.ingestion.ingest(events);
    expect(result).toEqual(expect.objectContaining({ accepted: events.length }));
    await caughtUp(running.runtime);
  }

  /** Two rounds: the interval may be half-way through a round that started before the clock moved. */
  async function tickAt(atMs: number): Promise<void> {
    now = atMs;
    await running.runtime.worker.runTicks();
    await running.runtime.worker.runTicks();
  }

  const fired = (triggerId: string) => audited.filter((d) => d.kind === 'trigger_fired' && d.logic?.triggerId?.startsWith(`${triggerId}@`));

  let seq = 0;
  const event = (customerId: string, type: string, atMs: number, data: Record<string, unknown>) => ({
    id: `trg-it-${++seq}-${type}`,
    type,
    customerId,
    occurredAt: new Date(atMs).toISOString(),
    source: 'test',
    data,
  });
  const pinFailed = (atMs: number) => event('trg-pin', 'atm_pin_failed', atMs, { cardId: 'card-1', atmId: 'atm-1' });
  const openedIds = new Map<string, string>();
  const creditCardOpened = (customerId: string) => {
    const opened = event(customerId, 'product_opened', T0, { product: 'credit_card', productId: `cc-${customerId}`, limit: 2000 });
    openedIds.set(customerId, opened.id);
    return opened;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kairos-triggers-'));
    running = await open();
  });

  afterAll(async () => {
    await running?.runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('fires the card lock once for 3 × atm_pin_failed within 10 minutes, traced and kept as decision context', async () => {
    const pins = [pinFailed(T0), pinFailed(T0 + 2 * MINUTE), pinFailed(T0 + 4 * MINUTE), pinFailed(T0 + 6 * MINUTE)];
    await ingest(...pins);
    await ingest(creditCardOpened('trg-a'), creditCardOpened('trg-b'));
    now = T0 + 7 * MINUTE;

    expect(fired('card-lock-after-pin-failures')).toHaveLength(1);
    const [draft] = fired('card-lock-after-pin-failures');
    expect(draft.subject).toBe('trg-pin');
    // card-unlock is inbound only: no outbound decision, the fire waits for the customer's next IVR call.
    expect(sink.emits).toHaveLength(0);
    const partition = partitionForCustomer('trg-pin', running.runtime.config.partitions);
    expect(running.triggers.recentFires(partition, 'trg-pin', now).map((f) => f.triggerId)).toEqual(['card-lock-after-pin-failures']);

    const third = await running.runtime.traces.trace(pins[2].id);
    expect(third.stages.map((s) => s.stage)).toEqual(['received', 'validated', 'stored', 'applied', 'triggers_evaluated', 'trigger_fired', 'decision_skipped']);
    const first = await running.runtime.traces.trace(pins[0].id);
    expect(first.stages.map((s) => s.stage)).toEqual(['received', 'validated', 'stored', 'applied', 'triggers_evaluated']);
  });

  it('a restart from an older snapshot plus replay neither fires twice nor loses the absence timer', async () => {
    await running.runtime.worker.snapshotAll();
    // After the snapshot: a fifth PIN failure (inside the cooldown) and the transaction that cancels B's timer.
    await ingest(pinFailed(T0 + 8 * MINUTE), event('trg-b', 'card_transaction', T0 + 29 * DAY, { cardId: 'cc-card-b', product: 'credit_card', amount: 25, currency: 'EUR', merchantCategory: '5411', channel: 'pos' }));
    expect(running.triggers.stats().reduce((sum, s) => sum + s.pendingTimers, 0)).toBe(1);
    await running.runtime.close();

    // Lose the newest snapshot where there is an older one, as if the process had died before writing it.
    const storage = await openWithoutWorker(dataDir);
    const snapshots = new PartitionSnapshotRepository(storage.database);
    let lost = 0;
    for (let p = 0; p < storage.config.partitions; p++) {
      const rows = await snapshots.newestFirst(p);
      if (rows.length < 2) continue;
      await snapshots.overwriteData(p, rows[0].offset, rows[0].data.slice(0, 10));
      lost++;
    }
    await storage.close();
    expect(lost).toBeGreaterThan(0);

    running = await open();
    await tickAt(T0 + 29 * DAY + HOUR);
    expect(fired('card-lock-after-pin-failures')).toHaveLength(1);
    expect(fired('credit-card-unused-30d')).toHaveLength(0);
    const pending = running.triggers.stats().reduce((sum, s) => sum + s.pendingTimers, 0);
    expect(pending).toBe(1);

    await tickAt(T0 + 30 * DAY + MINUTE);
    const nudges = fired('credit-card-unused-30d');
    expect(nudges.map((d) => d.subject)).toEqual(['trg-a']);
    const decisionId = `trg-${(nudges[0].output as { occasionId: string }).occasionId}`;
    const outcome = sink.byDecision.get(decisionId)!;
    expect(outcome.customerId).toBe('trg-a');
    expect([...outcome.actions, ...outcome.suppressed].map((a) => a.actionId)).toContain('credit-card-usage-nudge');
    expect(outcome.actions.map((a) => a.actionId)).toEqual(['credit-card-usage-nudge']);

    // The product_opened event's trace shows the timer's fire, the decision and the action.
    const trace = await running.runtime.traces.trace(openedIds.get('trg-a')!);
    expect(trace.stages.map((s) => s.stage)).toEqual(expect.arrayContaining(['trigger_fired', 'decided', 'action_emitted']));

    // A graceful restart after the fire: the completed timer stays completed.
    await running.runtime.close();
    running = await open();
    await tickAt(T0 + 30 * DAY + 2 * MINUTE);
    expect(fired('credit-card-unused-30d')).toHaveLength(1);
    expect(sink.emits.filter((o) => o.decisionId === decisionId)).toHaveLength(1);
  });

  it('fires turns-18 on the local birthday of each time zone, once, at 09:00 local or later', async () => {
    // Day D: UTC+14 reaches it 24 hours before UTC-10. Ticks must not run backwards, so D lies after the timer test.
    const dayStartUtc = Math.floor((T0 + 32 * DAY) / DAY) * DAY;
    const d = localDateTime(dayStartUtc, 'UTC');
    const birth = (age: number) => `${d.year - age}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
    const registered = (customerId: string, birthDate: string, timeZone: string) =>
      event(customerId, 'customer_registered', T0, { birthDate, country: 'DE', language: 'de', timeZone });
    await ingest(
      registered('trg-kiri', birth(18), 'Pacific/Kiritimati'),
      registered('trg-hono', birth(18), 'Pacific/Honolulu'),
      registered('trg-nineteen', birth(19), 'Pacific/Kiritimati'),
    );
    // UTC D-1 18:00: 08:00 on D in Kiritimati (before 09:00), 08:00 on D-1 in Honolulu.
    await tickAt(dayStartUtc - 6 * HOUR);
    expect(fired('turns-18')).toHaveLength(0);
    // UTC D-1 20:00: 10:00 on D in Kiritimati.
    await tickAt(dayStartUtc - 4 * HOUR);
    expect(fired('turns-18').map((f) => f.subject)).toEqual(['trg-kiri']);
    // A restart in between changes nothing: the day's group is done, the fire is remembered.
    await running.runtime.close();
    running = await open();
    // UTC D 20:00: 10:00 on D in Honolulu, D+1 in Kiritimati.
    await tickAt(dayStartUtc + 20 * HOUR);
    expect(fired('turns-18').map((f) => f.subject)).toEqual(['trg-kiri', 'trg-hono']);
    await tickAt(dayStartUtc + 21 * HOUR);
    expect(fired('turns-18')).toHaveLength(2);
  });

});

async function caughtUp(runtime: KairosRuntime): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ([...(await runtime.consumerLag()).values()].some((lag) => lag > 0)) {
    if (Date.now() > deadline) throw new Error('worker did not catch up');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // Fires settle after the fold: their audit records, decisions and traces are complete once this resolves.
  await runtime.worker.settled();
}

/** The runtime's storage without a worker (to damage snapshots between runs). */
async function openWithoutWorker(dataDir: string): Promise<KairosRuntime> {
  return KairosRuntime.open(loadConfig({ KAIROS_DATA_DIR: dataDir, KAIROS_DEMO_POPULATION: 'false' }), createLogger({ level: 'silent' }));
}
