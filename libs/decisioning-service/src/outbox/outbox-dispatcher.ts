import type { ActionOutboxRepository, OutboxEntry } from '@kairos/persistence';
import type { ChannelPublisher } from './delivery/channel-publisher';
import { NO_OUTBOX_FAULTS, type OutboxFaults } from './outbox-faults';

export interface OutboxDispatcherOptions {
  readonly repository: ActionOutboxRepository;
  /** The publisher of a channel (feed, Kafka topic or webhook). */
  readonly publisherFor: (channel: string) => ChannelPublisher;
  /** Idle poll interval, ms (default 500); `nudge()` starts a pass at once after an emit. */
  readonly pollMs?: number;
  readonly batchSize?: number;
  /** Retry delay after the n-th failed attempt, ms (default 1 s doubling up to 10 min). */
  readonly backoffMs?: (attempts: number) => number;
  readonly faults?: OutboxFaults;
  readonly clock?: () => number;
  readonly onError?: (error: Error) => void;
  /** Called after rows were marked published (metrics). */
  readonly onPublished?: (entries: readonly OutboxEntry[]) => void;
}

export function exponentialBackoff(attempts: number, baseMs = 1_000, maxMs = 600_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(30, attempts - 1)));
}

/**
 * Moves committed outbox rows to their channels: due pending rows in id order, published per channel, then marked
 * published. A crash after publishing and before marking publishes again on restart (at least once); a failure
 * backs the row off exponentially without holding up the rows behind it.
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | null = null;
  private again = false;
  private stopped = true;
  private readonly clock: () => number;
  private readonly faults: OutboxFaults;

  constructor(private readonly options: OutboxDispatcherOptions) {
    this.clock = options.clock ?? Date.now;
    this.faults = options.faults ?? NO_OUTBOX_FAULTS;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Something was emitted: run a pass now instead of at the next poll. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Publishes everything due now, batch after batch; returns how many rows were marked published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.pass();
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
    this.running = this.drain();
    try {
      await this.running;
    } catch (error) {
      this.options.onError?.(error as Error);
    } finally {
      this.running = null;
    }
    this.schedule(this.again ? 0 : (this.options.pollMs ?? 500));
  }

  private async pass(): Promise<{ rows: number; count: number }> {
    const now = this.clock();
    const due = await this.options.repository.due(now, this.options.batchSize ?? 100);
    const byChannel = new Map<string, OutboxEntry[]>();
    for (const entry of due) byChannel.set(entry.channel, [...(byChannel.get(entry.channel) ?? []), entry]);
    let count = 0;
    for (const [channel, entries] of byChannel) {
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
    return { rows: due.length, count };
  }
}
