import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { CustomerEvent, KairosError, LoggedEvent, partitionForCustomer } from '@kairos/contracts';
import type {
  AppendOutcome,
  EventLocation,
  EventLog,
  LogConsumer,
  LogHealth,
  LogRetentionReport,
  LogRetentionRequest,
  PartitionConsumerHandler,
} from '../event-log.port';
import { EmbeddedConsumer } from './embedded-consumer';
import { openLogDatabase } from './log-schema';
import { LogWriterClient } from './log-writer-client';

export interface EmbeddedEventLogOptions {
  readonly dataDir: string;
  readonly partitionCount: number;
  /** `full` fsyncs every group commit (survives power loss); `normal` survives process crashes only. */
  readonly synchronous?: 'full' | 'normal';
}

interface EventRow {
  partition: number;
  offset: number;
  id: string;
  customer_id: string;
  type: string;
  received_at: number;
  stored_at: number;
  payload: string;
}

/**
 * The embedded default of the event log: one SQLite file, partitioned like the Kafka topic, appended by a writer
 * thread (group commit) and read by in-process consumers. Ids are unique in the file, so a duplicate is refused by
 * the same transaction that would store it — across restarts too.
 */
export class EmbeddedEventLog implements EventLog {
  private readonly consumers = new Set<EmbeddedConsumer>();
  private readonly selectById: Database.Statement;
  private readonly selectRange: Database.Statement;
  private readonly selectCustomer: Database.Statement;

  private constructor(
    readonly partitionCount: number,
    private readonly writer: LogWriterClient,
    private readonly reader: Database.Database,
    private readonly heads: number[],
  ) {
    this.selectById = reader.prepare('SELECT partition, offset, id, customer_id, type, received_at, stored_at FROM events WHERE id = ?');
    this.selectRange = reader.prepare('SELECT partition, offset, payload FROM events WHERE partition = ? AND offset >= ? ORDER BY offset LIMIT ?');
    this.selectCustomer = reader.prepare('SELECT partition, offset, payload FROM events WHERE customer_id = ? ORDER BY partition, offset');
  }

  static async open(options: EmbeddedEventLogOptions): Promise<EmbeddedEventLog> {
    mkdirSync(options.dataDir, { recursive: true });
    const dbPath = join(options.dataDir, 'log.db');
    const { client, heads } = await LogWriterClient.start(dbPath, options.partitionCount, options.synchronous ?? 'full');
    const reader = openLogDatabase(dbPath, { readonly: true });
    return new EmbeddedEventLog(options.partitionCount, client, reader, heads);
  }

  async append(events: readonly CustomerEvent[]): Promise<readonly AppendOutcome[]> {
    if (events.length === 0) return [];
    const count = events.length;
    const ids = new Array<string>(count);
    const customerIds = new Array<string>(count);
    const types = new Array<string>(count);
    const partitions = new Array<number>(count);
    const receivedAtMs = new Array<number>(count);
    const payloads = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      const event = events[i];
      ids[i] = event.id;
      customerIds[i] = event.customerId;
      types[i] = event.type;
      partitions[i] = partitionForCustomer(event.customerId, this.partitionCount);
      receivedAtMs[i] = event.receivedAtMs;
      payloads[i] = JSON.stringify(event);
    }
    let reply;
    try {
      reply = await this.writer.append({ ids, customerIds, types, partitions, receivedAtMs, payloads });
    } catch (error) {
      throw new KairosError('LOG_UNAVAILABLE', `the embedded event log could not store the events: ${(error as Error).message}`, [], 1);
    }
    const outcomes = new Array<AppendOutcome>(count);
    const fresh: LoggedEvent[] = [];
    for (let i = 0; i < count; i++) {
      const appended = reply.appended[i] === 1;
      outcomes[i] = { status: appended ? 'appended' : 'duplicate', partition: reply.partitions[i], offset: reply.offsets[i] };
      if (appended) {
        fresh.push({ partition: reply.partitions[i], offset: reply.offsets[i], event: events[i] });
        this.heads[reply.partitions[i]] = reply.offsets[i] + 1;
      }
    }
    for (const consumer of this.consumers) consumer.notifyAppended(fresh);
    return outcomes;
  }

  async locate(eventId: string): Promise<EventLocation | null> {
    const row = this.selectById.get(eventId) as Omit<EventRow, 'payload'> | undefined;
    if (!row) return null;
    return {
      eventId: row.id,
      customerId: row.customer_id,
      type: row.type,
      partition: row.partition,
      offset: row.offset,
      receivedAtMs: row.received_at,
      storedAtMs: row.stored_at,
    };
  }

  async read(partition: number, fromOffset: number, limit: number): Promise<readonly LoggedEvent[]> {
    return this.readSync(partition, fromOffset, limit);
  }

  /** Synchronous read for the in-process consumers' catch-up (WAL readers never block the writer). */
  readSync(partition: number, fromOffset: number, limit: number): LoggedEvent[] {
    const rows = this.selectRange.all(partition, fromOffset, limit) as Pick<EventRow, 'partition' | 'offset' | 'payload'>[];
    return rows.map((row) => ({ partition: row.partition, offset: row.offset, event: JSON.parse(row.payload) as CustomerEvent }));
  }

  async readCustomer(customerId: string): Promise<readonly LoggedEvent[]> {
    const rows = this.selectCustomer.all(customerId) as Pick<EventRow, 'partition' | 'offset' | 'payload'>[];
    return rows.map((row) => ({ partition: row.partition, offset: row.offset, event: JSON.parse(row.payload) as CustomerEvent }));
  }

  /**
   * Deletes records received before `nowMs - retentionMs`, except those a consumer group has not committed past
   * (live groups and groups that committed before) and those at or after `keepFrom`; see LogPurge.
   */
  async enforceRetention(request: LogRetentionRequest): Promise<LogRetentionReport> {
    const cutoffMs = request.nowMs - request.retentionMs;
    const { deleted, heldBack } = await this.purgeReceivedBefore(cutoffMs, request.keepFrom);
    return { kind: 'purged', cutoffMs, deleted, heldBack };
  }

  async purgeReceivedBefore(cutoffMs: number, keepFrom: ReadonlyMap<number, number> = new Map()): Promise<{ deleted: number; heldBack: number }> {
    const liveGroups = [...new Set([...this.consumers].map((consumer) => consumer.groupId))];
    try {
      const reply = await this.writer.purge({ cutoffMs, liveGroups, keepFrom: [...keepFrom] });
      return { deleted: reply.deleted, heldBack: reply.heldBack };
    } catch (error) {
      throw new KairosError('LOG_UNAVAILABLE', `the embedded event log could not apply retention: ${(error as Error).message}`, [], 1);
    }
  }

  /** Called by the embedded consumers: a group's durable position, which holds retention back. */
  async commitOffset(groupId: string, partition: number, nextOffset: number): Promise<void> {
    try {
      await this.writer.commit({ groupId, partition, nextOffset });
    } catch (error) {
      throw new KairosError('LOG_UNAVAILABLE', `the embedded event log could not record a consumer position: ${(error as Error).message}`, [], 1);
    }
  }

  headOffset(partition: number): number {
    return this.heads[partition];
  }

  async consume(groupId: string, handler: PartitionConsumerHandler): Promise<LogConsumer> {
    const consumer = new EmbeddedConsumer(this, groupId, handler, () => this.consumers.delete(consumer));
    this.consumers.add(consumer);
    await consumer.start();
    return consumer;
  }

  async health(): Promise<LogHealth> {
    try {
      this.reader.prepare('SELECT 1').get();
      return { ok: true, detail: `embedded log, ${this.partitionCount} partitions` };
    } catch (error) {
      return { ok: false, detail: `embedded log unreadable: ${(error as Error).message}` };
    }
  }

  async close(): Promise<void> {
    for (const consumer of [...this.consumers]) await consumer.stop();
    await this.writer.close();
    this.reader.close();
  }
}
