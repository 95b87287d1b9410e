import type { AuditActor, AuditTrail } from '@kairos/audit';
import type { EventType, LoggedEvent } from '@kairos/contracts';
import type { EventTraceService, PartitionStateExtension, PartitionWorker, TraceStage } from '@kairos/customer-state';
import { ActionCatalog, DecisionOutcome, TriggerContext, outboundRequestForTrigger } from '@kairos/decisioning';
import type { KairosMetrics, Logger } from '@kairos/observability';
import type { PartitionProfileStore } from '@kairos/profile';
import { CompiledTrigger, FiredTrigger, ScoreObservation, TriggerEngineStats, TriggerSet, triggerAuditDraft } from '@kairos/triggers';
import type { ActionSink, DecisionMaker, TriggerContextSource } from '../decision-sources';
import { PendingFire, TriggerPartition } from './trigger-partition';
import { TriggerMetrics } from './trigger-metrics';
import type { PersistedTriggerTraces } from './persisted-trigger-traces';
import { traceContributor } from './trigger-trace-log';

export interface TriggerRuntimeOptions {
  /** Compiled with the runtime's FeatureRegistry (`compileTriggerSet(document, { registry })`). */
  readonly triggers: TriggerSet;
  readonly catalog: ActionCatalog;
  readonly audit: AuditTrail;
  readonly decisions: DecisionMaker;
  readonly actions: ActionSink;
  readonly logger: Logger;
  readonly metrics?: KairosMetrics;
  /**
   * Time of ticks and of the decisions fires ask for. Default: the worker's clock at the tick, `Date.now` otherwise.
   * Tests inject one to move days forward.
   */
  readonly clock?: () => number;
  /** Zone of customers who registered none (calendar triggers). Default: the catalog's. */
  readonly defaultTimeZone?: string;
  /** Events per partition whose trigger stages are kept for the trace. Default 2000. */
  readonly tracedEventsPerPartition?: number;
  /** Keeps fires, decisions and actions of the trace past a restart (written in batches); default: memory only. */
  readonly persistedTraces?: Pick<PersistedTriggerTraces, 'record' | 'stagesFor'>;
  /** Version in the `trigger_fired` actor. Default: the trigger set's version. */
  readonly componentVersion?: string;
  /**
   * Rescores a customer after their events were folded, for score-change triggers ("churn crossed 0.7"). Returns
   * nothing where the customer's consent does not allow the model's purpose, so no such score is computed (G2).
   */
  readonly observeScores?: (customerId: string, store: PartitionProfileStore, atMs: number) => readonly Omit<ScoreObservation, 'customerId' | 'atMs' | 'eventId'>[];
}

/**
 * Triggers inside the partition workers: one TriggerEngine per owned partition, fed by the worker after each batch
 * and on each tick, its state (engine, durable timers, fires in flight) stored in the partition snapshot. Each fire
 * is audited (`trigger_fired`), turned into an outbound decision over its proposals, and its actions emitted to the
 * sink — all before the worker may snapshot past the event (or tick) that fired, so no action is lost to a crash;
 * a replay refires with the same occasion and decision ids, so the sink drops the second copy.
 */
/**
 * Events after which no score is recomputed: an objection or an erasure only takes permissions away. A consent
 * change is rescored on: a consent given now may allow the score a behaviour change asked for earlier.
 */
const SCORE_NEUTRAL_EVENTS: ReadonlySet<EventType> = new Set<EventType>(['processing_objected', 'customer_erased']);

export class TriggerRuntime implements TriggerContextSource, PartitionStateExtension {
  readonly name = 'triggers';
  private readonly partitions = new Map<number, TriggerPartition>();
  private readonly metrics: TriggerMetrics | null;
  private set: TriggerSet;
  /** Event type → ids of the triggers that read it (for the trace). */
  private watched = new Map<EventType, string>();
  /** Whether the running set has a score-change trigger: without one, no customer is rescored after a batch. */
  private watchesScores = false;

  constructor(private readonly options: TriggerRuntimeOptions) {
    this.set = options.triggers;
    this.watched = watchedTypes(options.triggers);
    this.watchesScores = options.triggers.triggers.some((trigger) => trigger.kind === 'score_change');
    this.metrics = options.metrics ? new TriggerMetrics(options.metrics) : null;
  }

  get triggerSet(): TriggerSet {
    return this.set;
  }

  /** Hooks into a worker (before it is assigned partitions) and, if given, into the event trace. */
  attach(worker: PartitionWorker, traces?: EventTraceService): void {
    worker.addStateExtension(this);
    worker.onApplied((partition, records, store) => this.onApplied(partition, records, store));
    worker.onTick((partition, nowMs) => this.onTick(partition, nowMs));
    const persisted = this.options.persistedTraces;
    traces?.addContributor(traceContributor((partition) => this.partitions.get(partition)?.traces, persisted && ((eventId) => persisted.stagesFor(eventId))));
  }

  /**
   * Hot deploy: every owned partition's engine switches to `set` at once. JavaScript runs one batch's evaluation
   * to its end before anything else, so the swap falls between batches: each event is evaluated by exactly one set,
   * and none is skipped (the worker's offsets do not move). A trigger with the same id and the same definition keeps
   * its state (counts, timers, levels); a changed one starts fresh but keeps its cooldowns, so an edit does not
   * re-fire what just fired; the timers of a removed or changed trigger are cancelled. Fires already pending keep
   * the definition they fired under. Partitions assigned later restore their snapshot under the new set.
   */
  deploy(set: TriggerSet): void {
    const known = new Set(this.set.triggers.map((trigger) => trigger.fingerprint));
    const newCalendar = set.triggers.some((trigger) => trigger.kind === 'calendar' && !known.has(trigger.fingerprint));
    this.set = set;
    this.watched = watchedTypes(set);
    this.watchesScores = set.triggers.some((trigger) => trigger.kind === 'score_change');
    for (const state of this.partitions.values()) {
      state.engine.deploy(set);
      // A calendar trigger new to the engine has an empty birthday index: one pass over the profiles fills it.
      if (newCalendar) state.engine.indexProfiles(state.store);
    }
    this.options.logger.info({ version: set.version, triggers: set.triggers.length }, 'trigger set deployed');
  }

  recentFires(partition: number, customerId: string, atMs: number): readonly TriggerContext[] {
    return this.partitions.get(partition)?.engine.recentFires(customerId, atMs) ?? [];
  }

  ownedPartitions(): number[] {
    return [...this.partitions.keys()];
  }

  stats(): TriggerEngineStats[] {
    return [...this.partitions.values()].map((state) => state.engine.stats());
  }

  /** Fires whose audit record, decision or outbox write is not durable yet (retried with the next batch or tick). */
  pendingFires(partition: number): number {
    return this.partitions.get(partition)?.pending.length ?? 0;
  }

  restore(partition: number, data: Uint8Array | null, store: PartitionProfileStore): void {
    const options = {
      partition,
      triggers: this.set,
      store,
      defaultTimeZone: this.options.defaultTimeZone ?? this.options.catalog.defaultTimeZone,
      tracedEvents: this.options.tracedEventsPerPartition ?? 2_000,
      ...(this.options.persistedTraces ? { traceSink: this.sinkFor(partition, this.options.persistedTraces) } : {}),
    };
    this.partitions.set(partition, TriggerPartition.restore(options, data));
  }

  private sinkFor(partition: number, persisted: Pick<PersistedTriggerTraces, 'record'>) {
    return (eventId: string, stage: TraceStage) => persisted.record(partition, eventId, stage);
  }

  capture(partition: number): Uint8Array {
    const state = this.partitions.get(partition);
    if (!state) throw new Error(`partition ${partition} has no trigger state`);
    return state.capture();
  }

  release(partition: number): void {
    this.partitions.delete(partition);
    this.metrics?.forgetPartition(partition);
  }

  /** Dormant customers the retention job forgot: their counts, timers, birthdays, cooldowns and recent fires go too. */
  forgetCustomers(partition: number, customerIds: readonly string[]): void {
    const engine = this.partitions.get(partition)?.engine;
    for (const customerId of customerIds) engine?.forget(customerId);
  }

  /**
   * After the worker folded a batch: evaluate, then make every fire's effects durable in the background. The
   * worker goes on folding meanwhile (this partition's next batch, and in Kafka mode every other partition's, which
   * share one batch loop): a fire's three commits (its audit record, its decision's, the outbox row) no longer hold
   * up every event behind it. The fires stay pending, and in every snapshot, until their emit committed; a failed
   * settle is retried with the next batch or tick. The worker's settled offset (what read-your-writes waits for) and its
   * snapshots wait for the settle under way (`settled`), so readers see a batch's fires settled and a revoke hands
   * none over in flight.
   */
  async onApplied(partition: number, records: readonly LoggedEvent[], store: PartitionProfileStore): Promise<void> {
    const state = this.partitions.get(partition);
    if (!state) return;
    const from = state.engine.lastAppliedOffset;
    const fires = [...state.engine.onApplied(records, store), ...this.scoreChanges(state, records, from, store)];
    for (const record of records) {
      if (record.offset <= from) continue;
      const event = record.event;
      // Art. 17: what fired for an erased customer and is not out yet is not sent.
      if (event.type === 'customer_erased') state.pending = state.pending.filter((pending) => pending.fire.customerId !== event.customerId);
      const triggers = this.watched.get(event.type);
      if (triggers) state.traces.addEvaluated(event.id, triggers, record.offset);
    }
    this.enqueue(state, fires);
    if (state.pending.length > 0) {
      this.settleInTurn(state).catch((error: Error) =>
        this.options.logger.warn({ partition, pendingFires: state.pending.length, err: error.message }, 'settling trigger fires failed; retried with the next batch or tick'),
      );
    }
  }

  /** The settle under way for the partition (it covers every fire pending when it started), if any. */
  settled(partition: number): Promise<void> | undefined {
    return this.partitions.get(partition)?.settling ?? undefined;
  }

  /**
   * Each customer of the batch rescored once, after their newest new event (that event's id makes the occasion
   * replay-stable). Governance events change no behaviour and are not rescored on.
   */
  private scoreChanges(state: TriggerPartition, records: readonly LoggedEvent[], from: number, store: PartitionProfileStore): FiredTrigger[] {
    const observe = this.options.observeScores;
    if (!observe || !this.watchesScores) return [];
    const newest = new Map<string, LoggedEvent>();
    for (const record of records) if (record.offset > from && !SCORE_NEUTRAL_EVENTS.has(record.event.type)) newest.set(record.event.customerId, record);
    // Scored as of now, like a decision would score: consent given today covers today's scoring, not the past.
    const atMs = this.options.clock?.() ?? Date.now();
    const fires: FiredTrigger[] = [];
    for (const [customerId, record] of newest) {
      for (const score of observe(customerId, store, atMs)) fires.push(...state.engine.onScore({ ...score, customerId, atMs, eventId: record.event.id }));
    }
    return fires;
  }

  /** A worker tick: due timers and calendar triggers. True when state a snapshot should keep changed. */
  async onTick(partition: number, workerNowMs: number): Promise<boolean> {
    const state = this.partitions.get(partition);
    if (!state) return false;
    const timersBefore = state.timers.pending(partition);
    const fires = state.engine.onTick(this.options.clock?.() ?? workerNowMs);
    this.metrics?.observe(state.engine.stats());
    this.enqueue(state, fires);
    await this.settleInTurn(state);
    return fires.length > 0 || state.timers.pending(partition) !== timersBefore;
  }

  private enqueue(state: TriggerPartition, fires: readonly FiredTrigger[]): void {
    for (const fire of fires) {
      this.metrics?.fire(fire.triggerId);
      state.pending.push({ fire, audited: false });
      const eventId = causeEventOf(fire);
      if (eventId) {
        state.traces.add(eventId, {
          stage: 'trigger_fired',
          at: new Date(fire.firedAtMs).toISOString(),
          detail: { triggerId: fire.triggerId, triggerVersion: fire.triggerVersion, occasionId: fire.occasionId, cause: fire.cause.type },
        });
      }
    }
  }

  /**
   * Each fire's audit record and its decision (with the decision's own record), then one emit of every outcome: a
   * fire is on the record before anything acts on it. The fire's record is appended before its decision's, so the
   * two usually share a group commit instead of waiting for one commit each. A failure leaves the unfinished fires
   * pending and fails the batch or tick; the retry resumes where it stopped (an audited fire is not audited again; a
   * decision is asked again under the same id).
   */
  /** Runs a settle after the one under way: each takes the fires pending when it starts, so none is driven twice at once. */
  private settleInTurn(state: TriggerPartition): Promise<void> {
    const previous = state.settling?.catch(() => undefined) ?? Promise.resolve();
    const run = previous.then(() => this.settle(state));
    state.settling = run;
    const clear = () => {
      if (state.settling === run) state.settling = null;
    };
    run.then(clear, clear);
    return run;
  }

  private async settle(state: TriggerPartition): Promise<void> {
    if (state.pending.length === 0) return;
    const batch = [...state.pending];
    const actor = this.actor();
    const nowMs = this.options.clock?.() ?? Date.now();
    const decided = await Promise.all(
      batch.map(async (pending) => {
        const audited = pending.audited ? undefined : this.options.audit.append(triggerAuditDraft(pending.fire, actor)).then(() => (pending.audited = true));
        const [, outcome] = await Promise.all([audited, this.decide(pending, nowMs)]);
        return outcome;
      }),
    );
    const outcomes = decided.filter((outcome): outcome is DecisionOutcome => outcome !== null);
    if (outcomes.length > 0) await this.options.actions.emit(outcomes);
    batch.forEach((pending, i) => this.traceOutcome(state, pending.fire, decided[i]));
    const settled = new Set(batch);
    state.pending = state.pending.filter((pending) => !settled.has(pending));
  }

  private async decide(pending: PendingFire, nowMs: number): Promise<DecisionOutcome | null> {
    const fire = pending.fire;
    const request = outboundRequestForTrigger(this.options.catalog, fire, nowMs);
    if (request === null) return null;
    return this.options.decisions.decideOwned(request, { type: 'trigger', triggerId: fire.triggerId, occasionId: fire.occasionId });
  }

  private traceOutcome(state: TriggerPartition, fire: FiredTrigger, outcome: DecisionOutcome | null): void {
    const eventId = causeEventOf(fire);
    if (!eventId) return;
    if (outcome === null) {
      // E.g. card-unlock is inbound only: the fire waits as decision context for the customer's next contact.
      state.traces.add(eventId, { stage: 'decision_skipped', at: null, detail: { triggerId: fire.triggerId, reason: 'no_outbound_channel' } });
      return;
    }
    const at = new Date(outcome.decidedAtMs).toISOString();
    state.traces.add(eventId, { stage: 'decided', at, detail: { decisionId: outcome.decisionId, triggerId: fire.triggerId, actions: outcome.actions.length, suppressed: outcome.suppressed.length } });
    for (const action of outcome.actions) {
      state.traces.add(eventId, { stage: 'action_emitted', at, detail: { decisionId: outcome.decisionId, actionId: action.actionId, channel: action.channel, rank: action.rank } });
    }
    for (const suppressed of outcome.suppressed) {
      state.traces.add(eventId, {
        stage: 'action_suppressed',
        at,
        detail: { decisionId: outcome.decisionId, actionId: suppressed.actionId, channel: suppressed.channel ?? 'none', stage: suppressed.stage, reasons: suppressed.reasons.join(',') },
      });
    }
  }

  private actor(): AuditActor {
    return { type: 'component', component: 'trigger-engine', version: this.options.componentVersion ?? this.set.version };
  }
}

/** The event a fire is about: the one that completed it, or the one that started its timer. */
function causeEventOf(fire: FiredTrigger): string | null {
  if (fire.cause.type === 'event') return fire.cause.eventId;
  if (fire.cause.type === 'timer') return fire.cause.startedByEventId;
  if (fire.cause.type === 'score') return fire.cause.eventId ?? null;
  return null;
}

function watchedTypes(set: TriggerSet): Map<EventType, string> {
  const ids = new Map<EventType, string[]>();
  for (const trigger of set.triggers) {
    for (const type of eventTypesOf(trigger)) {
      const list = ids.get(type);
      if (list) list.push(trigger.id);
      else ids.set(type, [trigger.id]);
    }
  }
  return new Map([...ids].map(([type, list]) => [type, list.join(',')]));
}

/** The event types a trigger reads (the engine's own index is private; asked to be exported in the notes). */
function eventTypesOf(trigger: CompiledTrigger): readonly EventType[] {
  if (trigger.kind === 'count') return [trigger.definition.event.type];
  if (trigger.kind === 'absence') return [trigger.definition.after.type, trigger.definition.awaiting.type];
  if (trigger.kind === 'threshold') return trigger.definition.on;
  return trigger.kind === 'calendar' ? ['customer_registered'] : [];
}
