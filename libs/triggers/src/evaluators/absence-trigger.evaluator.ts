import type { LoggedEvent } from '@kairos/contracts';
import { dataKey } from '../definitions/event-match';
import type { CompiledAbsenceTrigger } from '../definitions/trigger-set';
import type { EvaluatorHost, TriggerEvaluator } from '../engine/evaluator-host';
import type { DurableTimer } from '../timers/timer-store';

export type TimerOutcome = 'fired' | 'suppressed' | 'expired';

/**
 * Starts a durable timer at the `after` event and cancels it when an `awaiting` event occurs inside the window.
 * The state lives in the timer store, not here, so a store snapshot plus a log replay restores it exactly.
 */
export class AbsenceTriggerEvaluator implements TriggerEvaluator {
  private readonly tally = { timersScheduled: 0, timersCancelled: 0, timersExpired: 0 };

  constructor(
    readonly trigger: CompiledAbsenceTrigger,
    private readonly host: EvaluatorHost,
  ) {}

  onEvent(logged: LoggedEvent): void {
    const event = logged.event;
    const definition = this.trigger.definition;
    if (event.type === definition.awaiting.type && this.trigger.endsWith(event)) this.cancelWaits(event.customerId, event.occurredAtMs);
    if (event.type !== definition.after.type || !this.trigger.startsWith(event)) return;
    const correlation = definition.correlateBy ? String((event.data as Record<string, unknown>)[definition.correlateBy] ?? '') : '';
    this.tally.timersScheduled++;
    this.host.timers.schedule({
      key: `${this.trigger.id}|${event.customerId}|${correlation}`,
      partition: this.host.partition,
      triggerId: this.trigger.id,
      customerId: event.customerId,
      dueAtMs: event.occurredAtMs + this.trigger.withinMs,
      startedAtMs: event.occurredAtMs,
      startedBy: { eventId: event.id, offset: logged.offset },
      dedupeValues: dataKey(event, definition.dedupeBy),
    });
  }

  /** A due timer: fired unless it is stale (found long after its time, e.g. when old history is replayed). */
  onTimer(timer: DurableTimer, nowMs: number): TimerOutcome {
    if (nowMs - timer.dueAtMs > this.trigger.staleAfterMs) {
      this.tally.timersExpired++;
      return 'expired';
    }
    const definition = this.trigger.definition;
    const fired = this.host.offer({
      trigger: this.trigger,
      customerId: timer.customerId,
      atMs: nowMs,
      occasion: timer.startedBy.eventId,
      dedupeValues: timer.dedupeValues,
      cause: { type: 'timer', timerKey: timer.key, startedByEventId: timer.startedBy.eventId, startedByOffset: timer.startedBy.offset, dueAtMs: timer.dueAtMs },
      evidence: [
        { feature: `${definition.awaiting.type} within ${definition.within} after ${definition.after.type}`, value: 0 },
        { feature: `${definition.after.type} at`, value: new Date(timer.startedAtMs).toISOString() },
      ],
    });
    return fired ? 'fired' : 'suppressed';
  }

  forget(customerId: string): void {
    for (const timer of [...this.host.timers.pendingFor(this.host.partition, this.trigger.id, customerId)]) this.host.timers.cancel(this.host.partition, timer.key);
  }

  counters(): Readonly<Record<string, number>> {
    return this.tally;
  }

  exportState(): unknown {
    return null;
  }

  importState(): void {
    // Timers are the whole state and travel with the timer store.
  }

  private cancelWaits(customerId: string, atMs: number): void {
    const pending = this.host.timers.pendingFor(this.host.partition, this.trigger.id, customerId);
    if (pending.length === 0) return;
    // Copy first: cancelling edits the list being read.
    for (const timer of [...pending]) {
      if (atMs >= timer.startedAtMs && atMs < timer.dueAtMs && this.host.timers.cancel(this.host.partition, timer.key)) this.tally.timersCancelled++;
    }
  }
}
