import { parentPort } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { LogPurge } from './log-purge';
import { applyLogSchema, openLogDatabase } from './log-schema';
import type { AppendReply, AppendRequest, CommitRequest, PurgeRequest, WriterReply, WriterRequest } from './log-writer-protocol';

/**
 * The embedded log's writer thread. SQLite commits (with fsync) run here, off the event loop of the HTTP server.
 * Group commit: every append request that arrived while the previous transaction ran is written in one
 * transaction, so one fsync covers many HTTP requests.
 */
if (!parentPort) throw new Error('log-writer.worker must run as a worker thread');
const port = parentPort;

let db: Database.Database | undefined;
let purge: LogPurge | undefined;
let heads: number[] = [];
let pending: AppendRequest[] = [];
let flushScheduled = false;

function reply(message: WriterReply): void {
  port.postMessage(message);
}

port.on('message', (request: WriterRequest) => {
  switch (request.kind) {
    case 'init':
      try {
        db = openLogDatabase(request.dbPath, { readonly: false, synchronous: request.synchronous });
        applyLogSchema(db, request.partitionCount);
        heads = readHeads(db, request.partitionCount);
        purge = new LogPurge(db, request.partitionCount);
        reply({ kind: 'ready', heads: [...heads] });
      } catch (error) {
        reply({ kind: 'failed', requestIds: [], message: (error as Error).message });
      }
      return;
    case 'append':
      pending.push(request);
      if (!flushScheduled) {
        flushScheduled = true;
        // setImmediate runs after the poll phase has delivered every message already queued: that is the group.
        setImmediate(flush);
      }
      return;
    case 'commit':
      commit(request);
      return;
    case 'purge':
      void runPurge(request);
      return;
    case 'close':
      flush();
      db?.close();
      reply({ kind: 'closed' });
      return;
  }
});

function readHeads(database: Database.Database, partitionCount: number): number[] {
  const next = new Array<number>(partitionCount).fill(0);
  const floors = database.prepare('SELECT partition, head_floor AS top FROM partition_floors').all() as { partition: number; top: number }[];
  for (const row of floors) next[row.partition] = row.top;
  const rows = database.prepare('SELECT partition, MAX(offset) AS top FROM events GROUP BY partition').all() as { partition: number; top: number }[];
  for (const row of rows) next[row.partition] = Math.max(next[row.partition], row.top + 1);
  return next;
}

/** A group's position is overwritten like a Kafka commit: it states what the group needs now, even if lower. */
function commit(request: CommitRequest): void {
  try {
    if (!db) throw new Error('embedded log writer is not initialised');
    db.prepare(
      'INSERT INTO consumer_offsets (group_id, partition, next_offset) VALUES (?, ?, ?) ON CONFLICT (group_id, partition) DO UPDATE SET next_offset = excluded.next_offset',
    ).run(request.groupId, request.partition, request.nextOffset);
    reply({ kind: 'committed', requestId: request.requestId });
  } catch (error) {
    reply({ kind: 'failed', requestIds: [request.requestId], message: (error as Error).message });
  }
}

async function runPurge(request: PurgeRequest): Promise<void> {
  try {
    if (!purge) throw new Error('embedded log writer is not initialised');
    const outcome = await purge.run(request.cutoffMs, request.liveGroups, new Map(request.keepFrom));
    reply({ kind: 'purged', requestId: request.requestId, ...outcome });
  } catch (error) {
    reply({ kind: 'failed', requestIds: [request.requestId], message: (error as Error).message });
  }
}

function flush(): void {
  flushScheduled = false;
  if (pending.length === 0 || !db) return;
  const group = pending;
  pending = [];
  const database = db;
  const insert = database.prepare(
    'INSERT INTO events (partition, offset, id, customer_id, type, received_at, stored_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
  );
  const locate = database.prepare('SELECT partition, offset FROM events WHERE id = ?');
  const headsBefore = [...heads];
  const storedAtMs = Date.now();
  try {
    const replies = database.transaction(() => group.map((request) => appendOne(request, insert, locate, storedAtMs)))();
    for (const message of replies) reply(message);
  } catch (error) {
    // The transaction rolled back: nothing of the group is stored, so every request is answered as failed.
    heads = headsBefore;
    reply({ kind: 'failed', requestIds: group.map((r) => r.requestId), message: (error as Error).message });
  }
}

function appendOne(request: AppendRequest, insert: Database.Statement, locate: Database.Statement, storedAtMs: number): AppendReply {
  const count = request.ids.length;
  const appended = new Array<number>(count);
  const partitions = new Array<number>(count);
  const offsets = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const partition = request.partitions[i];
    const offset = heads[partition];
    const result = insert.run(partition, offset, request.ids[i], request.customerIds[i], request.types[i], request.receivedAtMs[i], storedAtMs, request.payloads[i]);
    if (result.changes === 1) {
      heads[partition] = offset + 1;
      appended[i] = 1;
      partitions[i] = partition;
      offsets[i] = offset;
    } else {
      const existing = locate.get(request.ids[i]) as { partition: number; offset: number };
      appended[i] = 0;
      partitions[i] = existing.partition;
      offsets[i] = existing.offset;
    }
  }
  return { kind: 'appended', requestId: request.requestId, appended, partitions, offsets, storedAtMs };
}
