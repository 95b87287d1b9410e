import type { CustomerEvent, EventData, EventType, LoggedEvent } from '@kairos/contracts';
import { PartitionProfileStore, decodeSnapshot, defaultFeatureRegistry, encodeSnapshot, profileOf } from '@kairos/profile';
import { compileTriggerSet } from '../definitions/trigger-set';
import type { TriggerDefinitionInput } from '../definitions/trigger-definition.schema';
import type { FiredTrigger } from '../engine/fired-trigger';
import { TriggerEngine, TriggerEngineOptions } from '../engine/trigger-engine';
import { decodeTriggerSnapshot, encodeTriggerSnapshot } from '../engine/trigger-engine-snapshot';
import { InMemoryTimerStore } from '../timers/in-memory-timer-store';

/** Monday 2026-11-23 09:00 UTC: every spec counts from here. */
export const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const registry = defaultFeatureRegistry();

export function triggerSet(...triggers: TriggerDefinitionInput[]) {
  return compileTriggerSet({ version: 'test', triggers }, { registry });
}

/**
 * A partition as the worker runs it: events are logged with increasing offsets, folded into the profile store,
 * then handed to the trigger engine.
 */
export class PartitionHarness {
  readonly store: PartitionProfileStore;
  readonly timers: InMemoryTimerStore;
  engine: TriggerEngine;
  private offset = 0;
  private ids = 0;

  constructor(
    private readonly triggers: readonly TriggerDefinitionInput[],
    options: Partial<TriggerEngineOptions> & { readonly partition?: number; readonly store?: PartitionProfileStore } = {},
  ) {
    const partition = options.partition ?? 0;
    this.store = options.store ?? new PartitionProfileStore({ partition, registry });
    this.timers = new InMemoryTimerStore();
    this.engine = new TriggerEngine({
      partition,
      triggers: triggerSet(...triggers),
      registry,
      timers: this.timers,
      profiles: (customerId) => profileOf(this.store, customerId),
      ...options,
    });
  }

  /** Logs, folds and evaluates one event; returns what fired. */
  emit<T extends EventType>(customerId: string, type: T, atMs: number, data: EventData<T>, id?: string): readonly FiredTrigger[] {
    return this.apply([this.log(customerId, type, atMs, data, id)]);
  }

  log<T extends EventType>(customerId: string, type: T, atMs: number, data: EventData<T>, id?: string): LoggedEvent {
    const event = {
      id: id ?? `evt-${++this.ids}`,
      type,
      customerId,
      occurredAt: new Date(atMs).toISOString(),
      occurredAtMs: atMs,
      receivedAtMs: atMs,
      source: 'test',
      data,
    } as CustomerEvent;
    return { partition: this.store.partition, offset: this.offset++, event };
  }

  apply(records: readonly LoggedEvent[]): readonly FiredTrigger[] {
    for (const record of records) this.store.apply(record);
    return this.engine.onApplied(records, this.store);
  }

  tick(atMs: number): readonly FiredTrigger[] {
    return this.engine.onTick(atMs);
  }

  /** A new owner of the partition, restored from bytes only: profile snapshot, trigger snapshot and timers. */
  handOver(): PartitionHarness {
    const partition = this.store.partition;
    const next = new PartitionHarness(this.triggers, { partition, store: decodeSnapshot(encodeSnapshot(this.store), registry) });
    next.timers.decode(partition, this.timers.encode(partition));
    next.engine.restore(decodeTriggerSnapshot(encodeTriggerSnapshot(this.engine.snapshot())));
    next.offset = this.offset;
    next.ids = this.ids;
    return next;
  }
}

export function ids(fires: readonly FiredTrigger[]): string[] {
  return fires.map((fire) => `${fire.triggerId}:${fire.customerId}`);
}
