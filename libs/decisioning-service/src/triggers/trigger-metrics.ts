import type { KairosMetrics } from '@kairos/observability';
import type { TriggerEngineStats } from '@kairos/triggers';
import { Counter } from 'prom-client';

/**
 * Per-trigger counters on the process registry. Labels are trigger ids and reasons, never customers. They live here
 * until KairosMetrics grows `triggersFired` / `triggersSuppressed` (asked for in the integration notes); the
 * registry lookup keeps a second runtime in one process (tests) from registering a name twice.
 */
export class TriggerMetrics {
  private readonly fired: Counter<'trigger'>;
  private readonly suppressed: Counter<'trigger' | 'reason'>;
  /** Last tallies seen per partition and trigger, so cumulative engine stats become counter increments. */
  private readonly seen = new Map<string, { cooldown: number; condition: number }>();

  constructor(metrics: KairosMetrics) {
    this.fired = counter(metrics, 'kairos_trigger_fires_total', 'Trigger fires, per trigger', ['trigger']);
    this.suppressed = counter(metrics, 'kairos_trigger_suppressed_total', 'Trigger fires suppressed by cooldown or condition, per trigger', ['trigger', 'reason']);
  }

  fire(triggerId: string): void {
    this.fired.inc({ trigger: triggerId });
  }

  /** Folds an engine's cumulative suppression tallies into the counters. */
  observe(stats: TriggerEngineStats): void {
    for (const trigger of stats.triggers) {
      const key = `${stats.partition}|${trigger.triggerId}`;
      const last = this.seen.get(key) ?? { cooldown: 0, condition: 0 };
      // A restored or redeployed engine restarts its tallies: count from there.
      const cooldown = Math.max(0, trigger.suppressedByCooldown - (trigger.suppressedByCooldown >= last.cooldown ? last.cooldown : 0));
      const condition = Math.max(0, trigger.suppressedByCondition - (trigger.suppressedByCondition >= last.condition ? last.condition : 0));
      if (cooldown > 0) this.suppressed.inc({ trigger: trigger.triggerId, reason: 'cooldown' }, cooldown);
      if (condition > 0) this.suppressed.inc({ trigger: trigger.triggerId, reason: 'condition' }, condition);
      this.seen.set(key, { cooldown: trigger.suppressedByCooldown, condition: trigger.suppressedByCondition });
    }
  }

  forgetPartition(partition: number): void {
    for (const key of [...this.seen.keys()]) if (key.startsWith(`${partition}|`)) this.seen.delete(key);
  }
}

function counter<L extends string>(metrics: KairosMetrics, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = metrics.registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ name, help, labelNames, registers: [metrics.registry] });
}
