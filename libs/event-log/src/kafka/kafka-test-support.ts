/**
 * Shared by the Kafka integration specs only (never imported by production code): a real broker, an in-memory
 * event-id index, an event factory and a recording partition handler.
 */
import { CustomerEvent, LoggedEvent } from '@kairos/contracts';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
// The broker script is plain ESM so it runs without a build; specs reach it by path (tools are not a lib).
import { RunningBroker, startBroker } from '../../../../tools/kafka/kafka-broker.mjs';
import { CustomerEventLocator, EventIdIndex, EventLocation, PartitionConsumerHandler } from '../event-log.port';

/** Uses KAFKA_BROKERS when set (a broker started by `npm run kafka:start` or CI), else starts a private one. */
export function useKafkaBroker(): { brokers(): string[]; startOwnBroker(): Promise<RunningBroker> } {
  let external: string[] | null = null;
  let own: RunningBroker | null = null;
  const started: RunningBroker[] = [];
  beforeAll(async () => {
    const env = process.env['KAFKA_BROKERS'];
    if (env) external = env.split(',');
    else {
      own = await startOwn();
      started.push(own);
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all(started.map((b) => b.stop()));
  }, 60_000);
  const startOwn = async () => startBroker({ ...(await freePorts()), partitions: 4, quickStart: true });
  return {
    brokers: () => external ?? [own!.brokers],
    startOwnBroker: async () => {
      const broker = await startOwn();
      started.push(broker);
      return broker;
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function freePorts(): Promise<{ port: number; controllerPort: number }> {
  const port = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();
  return { port, controllerPort };
}

export function uniqueTopic(name: string): string {
  return `kairos.test.${name}.${randomUUID().slice(0, 8)}`;
}

/** A raw kafkajs client for what the adapter must not do for a test: writing junk, reading the DLQ. */
export function rawKafka(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'kairos-test', brokers, logLevel: logLevel.NOTHING });
}

export class InMemoryEventIdIndex implements EventIdIndex, CustomerEventLocator {
  readonly locations = new Map<string, EventLocation>();
  recordCalls = 0;

  async findExisting(eventIds: readonly string[]): Promise<ReadonlyMap<string, EventLocation>> {
    const found = new Map<string, EventLocation>();
    for (const id of eventIds) {
      const location = this.locations.get(id);
      if (location) found.set(id, location);
    }
    return found;
  }

  async record(locations: readonly EventLocation[]): Promise<void> {
    this.recordCalls++;
    for (const location of locations) if (!this.locations.has(location.eventId)) this.locations.set(location.eventId, location);
  }

  async find(eventId: string): Promise<EventLocation | null> {
    return this.locations.get(eventId) ?? null;
  }

  async locateCustomer(customerId: string): Promise<readonly EventLocation[]> {
    return [...this.locations.values()].filter((location) => location.customerId === customerId);
  }
}

export function pinFailure(id: string, customerId: string, atMs = 1_700_000_000_000): CustomerEvent {
  return {
    id,
    type: 'atm_pin_failed',
    customerId,
    occurredAt: new Date(atMs).toISOString(),
    occurredAtMs: atMs,
    receivedAtMs: atMs + 500,
    source: 'atm-network',
    data: { cardId: `card-${customerId}`, atmId: 'atm-1' },
  };
}

/** Records what a partition owner is given; `startAt` plays the snapshot offsets. */
export class RecordingHandler implements PartitionConsumerHandler {
  readonly seen = new Map<number, LoggedEvent[]>();
  readonly assigned: number[][] = [];
  readonly revoked: number[][] = [];

  constructor(private readonly startAt: ReadonlyMap<number, number> = new Map()) {}

  async onAssigned(partitions: readonly number[]): Promise<ReadonlyMap<number, number>> {
    this.assigned.push([...partitions]);
    return new Map(partitions.map((p) => [p, this.startAt.get(p) ?? 0]));
  }

  async onRevoked(partitions: readonly number[]): Promise<void> {
    this.revoked.push([...partitions]);
  }

  async onRecords(partition: number, records: readonly LoggedEvent[]): Promise<void> {
    let list = this.seen.get(partition);
    if (!list) this.seen.set(partition, (list = []));
    for (const r of records) list.push(r);
  }

  count(): number {
    let n = 0;
    for (const list of this.seen.values()) n += list.length;
    return n;
  }

  all(): LoggedEvent[] {
    return [...this.seen.values()].flat();
  }
}

export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
