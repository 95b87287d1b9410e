import { CustomerEvent, EventType, KairosError, LoggedEvent } from '@kairos/contracts';
import { FeatureRegistry, PartitionProfileStore, ProfileState, profileAttributes, profileOf } from '@kairos/profile';
import { hash } from 'node:crypto';
import type { CompiledTrigger, TriggerSet } from '../definitions/trigger-set';
import { AbsenceTriggerEvaluator } from '../evaluators/absence-trigger.evaluator';
import { CalendarTriggerEvaluator } from '../evaluators/calendar-trigger.evaluator';
import { CountTriggerEvaluator } from '../evaluators/count-trigger.evaluator';
import { ScoreChangeTriggerEvaluator } from '../evaluators/score-change-trigger.evaluator';
import { ThresholdTriggerEvaluator, scalar } from '../evaluators/threshold-trigger.evaluator';
import type { TimerStore } from '../timers/timer-store';
import type { EvaluatorHost, FireCandidate, ScoreObservation, TriggerEvaluator } from './evaluator-host';
import { FireLedger, ledgerKey } from './fire-ledger';
import { EventStateKeys } from './state-keys';
import type { FiredTrigger, RecentFire } from './fired-trigger';
import { TRIGGER_SNAPSHOT_FORMAT, TriggerEngineSnapshot } from './trigger-engine-snapshot';

export interface TriggerEngineOptions {
  readonly partition: number;
  readonly triggers: TriggerSet;
  readonly registry: FeatureRegistry;
  readonly timers: TimerStore;
  /** Finds a profile for fires outside an event (timers, calendar, scores), e.g. `(id) => profileOf(store, id)`. */
  readonly profiles?: (customerId: string) => ProfileState | undefined;
  /** Zone of customers who registered none (calendar triggers). Default UTC. */
  readonly defaultTimeZone?: string;
  /** Fires remembered per customer as decision context. Default 8. */
  readonly recentFiresPerCustomer?: number;
}

/** Counters per trigger for metrics. */
export interface TriggerCounters {
  readonly triggerId: string;
  readonly fired: number;
  readonly suppressedByCooldown: number;
  readonly suppressedByCondition: number;
  readonly [counter: string]: number | string;
}

export interface TriggerEngineStats {
  readonly partition: number;
  readonly lastAppliedOffset: number;
  readonly eventsEvaluated: number;
  readonly pendingTimers: number;
  readonly orphanTimers: number;
  readonly triggers: readonly TriggerCounters[];
}

interface Tally {
  fired: number;
  suppressedByCooldown: number;
  suppressedByCondition: number;
}

const NO_FIRES: readonly FiredTrigger[] = Object.freeze([]);
/** Entries of each ledger (and of the recent fires) a tick may visit while pruning: bounded work per tick. */
const PRUNE_BUDGET = 256;

/**
 * Evaluates a partition's triggers. Feed it every applied event in log order (`onEvent`/`onApplied`), every score
 * (`onScore`) and a clock tick (`onTick`); it returns what fired. All state (count rings, threshold bits, score
 * levels, the birthday index, cooldown ledgers, recent fires) is snapshot as plain data; timers travel with the
 * timer store. Deterministic: the same calls in the same order give the same fires with the same occasion ids.
 */
export class TriggerEngine implements EvaluatorHost {
  readonly partition: number;
  readonly registry: FeatureRegistry;
  readonly timers: TimerStore;
  readonly defaultTimeZone: string;
  private set: TriggerSet;
  private evaluators: TriggerEvaluator[] = [];
  private byType = new Map<EventType, TriggerEvaluator[]>();
  private absences = new Map<string, AbsenceTriggerEvaluator>();
  private ledgers = new Map<string, FireLedger>();
  private tallies = new Map<string, Tally>();
  private readonly recent = new Map<string, RecentFire[]>();
  private readonly recentLimit: number;
  private appliedOffset = -1;
  private lastTickMs: number | null = null;
  private recentCursor: MapIterator<[string, RecentFire[]]> | null = null;
  private eventsEvaluated = 0;
  private orphanTimers = 0;
  // The call in progress: where to find the current customer's profile, and what fired so far.
  private currentCustomer: string | null = null;
  private currentProfile: ProfileState | undefined;
  private currentStore: PartitionProfileStore | null = null;
  private out: FiredTrigger[] | null = null;
  // State keys of the event being evaluated, shared by the triggers that read it (EvaluatorHost.keySignature).
  private readonly stateKeys = new EventStateKeys();
  // Features read during the evaluation in progress, by slot: valid while `featureReadIn[slot]` is its number.
  private readonly featureSlots = new Map<string, number>();
  private readonly featureNames: string[] = [];
  private readonly features: unknown[] = [];
  private readonly featureReadIn: number[] = [];
  private evaluation = 0;

  constructor(private readonly options: TriggerEngineOptions) {
    this.partition = options.partition;
    this.registry = options.registry;
    this.timers = options.timers;
    this.defaultTimeZone = options.defaultTimeZone ?? 'UTC';
    this.recentLimit = options.recentFiresPerCustomer ?? 8;
    this.set = options.triggers;
    this.deploy(options.triggers);
  }

  get lastAppliedOffset(): number {
    return this.appliedOffset;
  }

  get triggerSet(): TriggerSet {
    return this.set;
  }

  /**
   * One applied event, after the profile folded it. Offsets at or below the last one seen are ignored, so a
   * replay over an overlapping range fires nothing twice.
   */
  onEvent(logged: LoggedEvent, profile?: ProfileState): readonly FiredTrigger[] {
    this.begin();
    this.evaluate(logged, profile, null);
    return this.end();
  }

  /** `PartitionWorker.onApplied` shape: a batch of records and the partition's store. */
  onApplied(records: readonly LoggedEvent[], store: PartitionProfileStore): readonly FiredTrigger[] {
    this.begin();
    for (let i = 0; i < records.length; i++) this.evaluate(records[i], undefined, store);
    return this.end();
  }

  onScore(observation: ScoreObservation): readonly FiredTrigger[] {
    this.begin();
    for (const evaluator of this.evaluators) evaluator.onScore?.(observation);
    return this.end();
  }

  /** Clock tick: due timers (by due time) first, then calendar triggers. Time never runs backwards here. */
  onTick(nowMs: number): readonly FiredTrigger[] {
    this.begin();
    const now = this.lastTickMs === null ? nowMs : Math.max(nowMs, this.lastTickMs);
    for (const timer of this.timers.due(this.partition, now)) {
      const evaluator = this.absences.get(timer.triggerId);
      if (evaluator) evaluator.onTimer(timer, now);
      else this.orphanTimers++;
      this.timers.complete(this.partition, timer.key);
    }
    for (const evaluator of this.evaluators) evaluator.onTick?.(now);
    this.lastTickMs = now;
    this.housekeeping(now);
    return this.end();
  }

  /** Fires of a customer still valid at `atMs`, oldest first: the `triggers` context of a decision. */
  recentFires(customerId: string, atMs: number): readonly RecentFire[] {
    const fires = this.recent.get(customerId);
    if (!fires) return [];
    return fires.filter((fire) => fire.validUntilMs >= atMs && fire.firedAtMs <= atMs);
  }

  /**
   * Replaces the trigger set without a restart. A trigger whose definition is unchanged keeps its state; a changed
   * one starts fresh but keeps its cooldown ledger, so an edit does not re-fire what just fired. The timers of a
   * removed or changed trigger are cancelled: they were started under a definition no longer in force, and left
   * in the store they would only surface as orphans.
   */
  deploy(set: TriggerSet): void {
    const previous = new Map(this.evaluators.map((e) => [e.trigger.id, e]));
    const kept = new Set(set.triggers.filter((trigger) => previous.get(trigger.id)?.trigger.fingerprint === trigger.fingerprint).map((trigger) => trigger.id));
    for (const id of previous.keys()) if (!kept.has(id)) this.timers.cancelTrigger(this.partition, id);
    this.install(set, previous);
  }

  private install(set: TriggerSet, previous: ReadonlyMap<string, TriggerEvaluator>): void {
    const evaluators: TriggerEvaluator[] = [];
    const ledgers = new Map<string, FireLedger>();
    const tallies = new Map<string, Tally>();
    for (const trigger of set.triggers) {
      const kept = previous.get(trigger.id);
      evaluators.push(kept && kept.trigger.fingerprint === trigger.fingerprint ? kept : this.newEvaluator(trigger));
      const ledger = new FireLedger(trigger.cooldownMs);
      const old = this.ledgers.get(trigger.id);
      if (old) ledger.restore(old.entries());
      ledgers.set(trigger.id, ledger);
      tallies.set(trigger.id, this.tallies.get(trigger.id) ?? { fired: 0, suppressedByCooldown: 0, suppressedByCondition: 0 });
    }
    this.set = set;
    this.evaluators = evaluators;
    this.ledgers = ledgers;
    this.tallies = tallies;
    this.byType = new Map();
    this.absences = new Map();
    for (const evaluator of evaluators) {
      for (const type of eventTypesOf(evaluator.trigger)) {
        const list = this.byType.get(type);
        if (list) list.push(evaluator);
        else this.byType.set(type, [evaluator]);
      }
      if (evaluator instanceof AbsenceTriggerEvaluator) this.absences.set(evaluator.trigger.id, evaluator);
    }
  }

  snapshot(): TriggerEngineSnapshot {
    return {
      format: TRIGGER_SNAPSHOT_FORMAT,
      partition: this.partition,
      lastAppliedOffset: this.appliedOffset,
      lastTickMs: this.lastTickMs,
      triggers: this.evaluators.map((evaluator) => ({
        id: evaluator.trigger.id,
        fingerprint: evaluator.trigger.fingerprint,
        state: evaluator.exportState(),
        ledger: (this.ledgers.get(evaluator.trigger.id) as FireLedger).entries(),
      })),
      recent: [...this.recent].map(([customerId, fires]) => [customerId, fires.map((fire) => ({ ...fire }))]),
    };
  }

  /** Loads a snapshot of this partition; state of triggers that changed since is dropped (they start fresh). */
  restore(snapshot: TriggerEngineSnapshot): void {
    if (snapshot.partition !== this.partition) throw new KairosError('INTERNAL', `snapshot of partition ${snapshot.partition} offered to partition ${this.partition}`);
    this.ledgers = new Map();
    this.install(this.set, new Map());
    const byId = new Map(this.evaluators.map((e) => [e.trigger.id, e]));
    for (const stored of snapshot.triggers) {
      const evaluator = byId.get(stored.id);
      this.ledgers.get(stored.id)?.restore(stored.ledger);
      if (evaluator?.trigger.fingerprint === stored.fingerprint) evaluator.importState(stored.state);
      // A snapshot taken under another trigger set: timers of triggers since removed or redefined go, as on a deploy.
      else this.timers.cancelTrigger(this.partition, stored.id);
    }
    this.recent.clear();
    this.recentCursor = null;
    for (const [customerId, fires] of snapshot.recent) this.recent.set(customerId, fires.map((fire) => ({ ...fire })));
    this.appliedOffset = snapshot.lastAppliedOffset;
    this.lastTickMs = snapshot.lastTickMs;
  }

  stats(): TriggerEngineStats {
    return {
      partition: this.partition,
      lastAppliedOffset: this.appliedOffset,
      eventsEvaluated: this.eventsEvaluated,
      pendingTimers: this.timers.pending(this.partition),
      orphanTimers: this.orphanTimers,
      triggers: this.evaluators.map((evaluator) => ({
        triggerId: evaluator.trigger.id,
        ...(this.tallies.get(evaluator.trigger.id) as Tally),
        ...(evaluator.counters?.() ?? {}),
      })),
    };
  }

  profile(customerId: string): ProfileState | undefined {
    if (customerId === this.currentCustomer) {
      if (this.currentProfile === undefined && this.currentStore !== null) this.currentProfile = profileOf(this.currentStore, customerId);
      if (this.currentProfile !== undefined) return this.currentProfile;
    }
    return this.options.profiles?.(customerId);
  }

  keySignature(fields: readonly string[]): number {
    return this.stateKeys.signature(fields);
  }

  eventKey(event: CustomerEvent, signature: number): string {
    return this.stateKeys.key(event, signature);
  }

  eventKeyNumber(event: CustomerEvent, signature: number): number {
    return this.stateKeys.number(event, signature);
  }

  featureSlot(name: string): number {
    let slot = this.featureSlots.get(name);
    if (slot === undefined) {
      slot = this.featureNames.length;
      this.featureSlots.set(name, slot);
      this.featureNames.push(name);
      this.features.push(undefined);
      this.featureReadIn.push(0);
    }
    return slot;
  }

  eventFeature(event: CustomerEvent, profile: ProfileState, slot: number): unknown {
    // Shared only within one evaluation of the event in progress: the profile does not change during it.
    if (this.currentCustomer !== event.customerId) return this.registry.read(profile, this.featureNames[slot], event.occurredAtMs);
    if (this.featureReadIn[slot] === this.evaluation) return this.features[slot];
    const value = this.registry.read(profile, this.featureNames[slot], event.occurredAtMs);
    this.features[slot] = value;
    this.featureReadIn[slot] = this.evaluation;
    return value;
  }

  eventIdHash(event: CustomerEvent): number {
    return this.stateKeys.eventIdHash(event);
  }

  offer(candidate: FireCandidate): boolean {
    const trigger = candidate.trigger;
    const tally = this.tallies.get(trigger.id) as Tally;
    const key = ledgerKey(candidate.customerId, candidate.dedupeValues);
    const ledger = this.ledgers.get(trigger.id) as FireLedger;
    if (ledger.coolingDown(key, candidate.atMs)) {
      tally.suppressedByCooldown++;
      return false;
    }
    let evidence = candidate.evidence;
    if (trigger.guard) {
      const variables: Record<string, unknown> = { ...candidate.variables };
      const profile = this.profile(candidate.customerId);
      for (const name of trigger.guard.names) {
        if (!(name in variables)) variables[name] = profile ? this.registry.read(profile, name, candidate.atMs) : null;
      }
      if (!trigger.guard.holds(variables)) {
        tally.suppressedByCondition++;
        return false;
      }
      evidence = [...evidence, ...trigger.guard.names.filter((name) => !(candidate.variables && name in candidate.variables)).map((name) => ({ feature: name, value: scalar(variables[name]) }))];
    }
    ledger.record(key, candidate.atMs);
    tally.fired++;
    const fired: FiredTrigger = {
      triggerId: trigger.id,
      triggerVersion: trigger.version,
      kind: trigger.kind,
      partition: this.partition,
      customerId: candidate.customerId,
      occasionId: occasionId(trigger, candidate.customerId, candidate.occasion),
      firedAtMs: candidate.atMs,
      validUntilMs: candidate.atMs + trigger.validForMs,
      cause: candidate.cause,
      evidence,
      proposes: trigger.definition.proposes,
      stateOffset: this.appliedOffset,
    };
    this.remember(fired);
    (this.out ??= []).push(fired);
    return true;
  }

  /**
   * Erasure (Art. 17): everything the triggers hold about the customer goes — counts, levels, birthday index,
   * pending timers, cooldowns and recent fires. Applied automatically for `customer_erased` events.
   */
  forget(customerId: string): void {
    for (const evaluator of this.evaluators) evaluator.forget(customerId);
    for (const ledger of this.ledgers.values()) ledger.forgetCustomer(customerId);
    this.stateKeys.forgetCustomer(customerId);
    this.recent.delete(customerId);
  }

  /**
   * Builds the birthday index of calendar triggers from existing profiles: for a calendar trigger deployed after
   * customers registered, or a partition restored without a trigger snapshot. One pass over the store, not per event.
   */
  indexProfiles(store: PartitionProfileStore): void {
    const calendars = this.evaluators.filter((e): e is CalendarTriggerEvaluator => e instanceof CalendarTriggerEvaluator);
    if (calendars.length === 0) return;
    for (const customerId of store.customerIds()) {
      const state = profileOf(store, customerId);
      if (!state) continue;
      const { birthDate, timeZone } = profileAttributes(state);
      if (birthDate !== null) for (const calendar of calendars) calendar.indexCustomer(customerId, birthDate, timeZone);
    }
  }

  private evaluate(logged: LoggedEvent, profile: ProfileState | undefined, store: PartitionProfileStore | null): void {
    if (logged.partition !== this.partition) throw new KairosError('INTERNAL', `event of partition ${logged.partition} offered to partition ${this.partition}`);
    if (logged.offset <= this.appliedOffset) return;
    this.appliedOffset = logged.offset;
    if (logged.event.type === 'customer_erased') return this.forget(logged.event.customerId);
    const evaluators = this.byType.get(logged.event.type);
    if (evaluators === undefined) return;
    this.eventsEvaluated++;
    this.evaluation++;
    this.currentCustomer = logged.event.customerId;
    this.currentProfile = profile;
    this.currentStore = store;
    for (let i = 0; i < evaluators.length; i++) evaluators[i].onEvent?.(logged);
    this.currentCustomer = null;
    this.currentProfile = undefined;
    this.currentStore = null;
  }

  private begin(): void {
    this.out = null;
  }

  private end(): readonly FiredTrigger[] {
    const out = this.out ?? NO_FIRES;
    this.out = null;
    return out;
  }

  private remember(fired: FiredTrigger): void {
    const note: RecentFire = { triggerId: fired.triggerId, occasionId: fired.occasionId, firedAtMs: fired.firedAtMs, validUntilMs: fired.validUntilMs };
    let fires = this.recent.get(fired.customerId);
    if (fires === undefined) this.recent.set(fired.customerId, (fires = []));
    // The list is the engine's own (snapshots and decisions get copies): edited in place, copied only to drop expired fires.
    else if (fires.some((fire) => fire.validUntilMs < fired.firedAtMs)) this.recent.set(fired.customerId, (fires = fires.filter((fire) => fire.validUntilMs >= fired.firedAtMs)));
    fires.push(note);
    if (fires.length > this.recentLimit) fires.splice(0, fires.length - this.recentLimit);
  }

  /** Bounded pruning per tick: expired cooldowns and fires no longer valid as decision context. */
  private housekeeping(nowMs: number): void {
    for (const ledger of this.ledgers.values()) ledger.prune(nowMs, PRUNE_BUDGET);
    for (let visited = 0; visited < PRUNE_BUDGET; visited++) {
      this.recentCursor ??= this.recent.entries();
      const next = this.recentCursor.next();
      if (next.done) {
        this.recentCursor = null;
        return;
      }
      const [customerId, fires] = next.value;
      const valid = fires.filter((fire) => fire.validUntilMs >= nowMs);
      if (valid.length === 0) this.recent.delete(customerId);
      else if (valid.length !== fires.length) this.recent.set(customerId, valid);
    }
  }

  private newEvaluator(trigger: CompiledTrigger): TriggerEvaluator {
    switch (trigger.kind) {
      case 'count':
        return new CountTriggerEvaluator(trigger, this);
      case 'absence':
        return new AbsenceTriggerEvaluator(trigger, this);
      case 'calendar':
        return new CalendarTriggerEvaluator(trigger, this);
      case 'threshold':
        return new ThresholdTriggerEvaluator(trigger, this);
      case 'score_change':
        return new ScoreChangeTriggerEvaluator(trigger, this);
    }
  }
}

function eventTypesOf(trigger: CompiledTrigger): readonly EventType[] {
  switch (trigger.kind) {
    case 'count':
      return [trigger.definition.event.type];
    case 'absence':
      return [...new Set([trigger.definition.after.type, trigger.definition.awaiting.type])];
    case 'calendar':
      return ['customer_registered'];
    case 'threshold':
      return trigger.definition.on;
    case 'score_change':
      return [];
  }
}

function occasionId(trigger: CompiledTrigger, customerId: string, occasion: string): string {
  // One-shot hash: same digest as createHash().update().digest(), without a Hash object per fire.
  return hash('sha256', `${trigger.id}@${trigger.version}\u001f${customerId}\u001f${occasion}`, 'hex').slice(0, 32);
}
