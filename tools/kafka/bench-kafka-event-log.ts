/**
 * Append and consume throughput of the Kafka event log against a real broker.
 *
 *   KAFKA_BROKERS=127.0.0.1:39092 node -r @swc-node/register tools/kafka/bench-kafka-event-log.ts [events] [batch] [concurrency]
 *
 * Starts its own broker when KAFKA_BROKERS is unset. Uses an in-memory event-id index, so the numbers are the
 * log's own cost (the SQL index adds its round-trips).
 */
import { CustomerEvent, LoggedEvent } from '@kairos/contracts';
import { EventIdIndex, EventLocation, KafkaEventLog } from '@kairos/event-log';
import { startBroker } from './kafka-broker.mjs';

class MemoryIndex implements EventIdIndex {
  private readonly map = new Map<string, EventLocation>();
  async findExisting(ids: readonly string[]) {
    const found = new Map<string, EventLocation>();
    for (const id of ids) {
      const l = this.map.get(id);
      if (l) found.set(id, l);
    }
    return found;
  }
  async record(locations: readonly EventLocation[]) {
    for (const l of locations) if (!this.map.has(l.eventId)) this.map.set(l.eventId, l);
  }
  async find(id: string) {
    return this.map.get(id) ?? null;
  }
}

function event(i: number): CustomerEvent {
  const at = 1_700_000_000_000 + i;
  return {
    id: `bench-${i}`,
    type: 'card_transaction',
    customerId: `cust-${i % 10_000}`,
    occurredAt: new Date(at).toISOString(),
    occurredAtMs: at,
    receivedAtMs: at + 5,
    source: 'core-banking',
    data: { cardId: `card-${i % 10_000}`, product: 'debit_card', amount: (i % 500) + 0.99, currency: 'EUR', merchantCategory: '5411', channel: 'pos' },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const [total = 100_000, batch = 100, concurrency = 16] = process.argv.slice(2).map(Number);
  const own = process.env['KAFKA_BROKERS'] ? null : await startBroker({ port: 39392 });
  const brokers = (process.env['KAFKA_BROKERS'] ?? own!.brokers).split(',');
  const log = await KafkaEventLog.open({ brokers, topic: `kairos.bench.${Date.now()}`, partitionCount: 12, eventIdIndex: new MemoryIndex() });

  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const from = next;
        next += batch;
        const events = Array.from({ length: Math.min(batch, total - from) }, (_, k) => event(from + k));
        const t = performance.now();
        await log.append(events);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const appendSeconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);

  let delivered = 0;
  const consumeStarted = performance.now();
  const consumer = await log.consume(`bench-${Date.now()}`, {
    onAssigned: async (partitions) => new Map(partitions.map((p) => [p, 0])),
    onRevoked: async () => undefined,
    onRecords: async (_p: number, records: readonly LoggedEvent[]) => void (delivered += records.length),
  });
  while (delivered < total) await new Promise((r) => setTimeout(r, 20));
  const consumeSeconds = (performance.now() - consumeStarted) / 1000;
  await consumer.stop();
  await log.close();
  await own?.stop();

  process.stdout.write(
    [
      `append: ${total} events, batch ${batch}, ${concurrency} concurrent callers: ${Math.round(total / appendSeconds)} events/s`,
      `  append latency ms p50 ${percentile(latencies, 50).toFixed(1)} p99 ${percentile(latencies, 99).toFixed(1)} max ${latencies.at(-1)!.toFixed(1)}`,
      `consume (incl. group join, decode + validation): ${Math.round(total / consumeSeconds)} events/s`,
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
