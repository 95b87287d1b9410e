import { parentPort, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { allHeadsSql, chainHeadSql, insertCheckpointSql, insertRecordSql } from './audit-record-sql';
import type { AuditWriterInit, AuditWriterReply, AuditWriterRequest, HeadColumns, LockedPlacement, OptimisticAppend, PlacementAnswer, RecordColumns } from './audit-writer-protocol';

/**
 * The SQLite audit store's writer thread: its own connection to the database file, so the commits (with their fsync)
 * run off the event loop. Group commit: every request that arrived while the previous transaction ran goes into one
 * BEGIN IMMEDIATE transaction, one fsync. BEGIN IMMEDIATE takes the database's write lock, which is the chain lock
 * across processes: under it an optimistic append is written only if the heads it was placed after are still the
 * heads, and a locked placement reads the heads, waits for the main thread to build the rows on them, and inserts.
 * Each request runs in a savepoint, so one failing request does not take the rest of its group down; a checkpoint runs
 * in a transaction of its own.
 */
if (!parentPort) throw new Error('audit-writer.worker must run as a worker thread');
const port = parentPort;

/** How long the thread holds the write lock waiting for the main thread's rows before it gives the placement up. */
const PLACEMENT_TIMEOUT_MS = 2_000;
/** GENESIS_HASH of @kairos/audit, written out: the thread loads better-sqlite3 and SQL text, not the audit domain. */
const GENESIS_HASH = '0'.repeat(64);

interface Connection {
  readonly db: Database.Database;
  readonly head: Database.Statement;
  readonly insert: Database.Statement;
  readonly insertCheckpoint: Database.Statement;
  readonly allHeads: Database.Statement;
  readonly signal: Int32Array;
  readonly placePort: MessagePort;
}

type Request = OptimisticAppend | LockedPlacement;
type Outcome = Extract<AuditWriterReply, { kind: 'appended' | 'conflict' | 'failed' }>;

let connection: Connection | undefined;
let pending: Request[] = [];
let flushScheduled = false;
/** Transactions begun, numbering the groups. */
let transactions = 0;

function reply(message: AuditWriterReply): void {
  port.postMessage(message);
}

port.on('message', (request: AuditWriterRequest) => {
  switch (request.kind) {
    case 'init':
      try {
        connection = open(request);
        reply({ kind: 'ready' });
      } catch (error) {
        reply({ kind: 'failed', requestIds: [], message: (error as Error).message });
      }
      return;
    case 'append':
    case 'place':
      pending.push(request);
      if (!flushScheduled) {
        flushScheduled = true;
        // setImmediate runs after the poll phase has delivered every message already queued: that is the group.
        setImmediate(flush);
      }
      return;
    case 'close':
      flush();
      connection?.db.close();
      connection = undefined;
      reply({ kind: 'closed' });
      return;
  }
});

function open(init: AuditWriterInit): Connection {
  const db = new Database(init.dbPath);
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(init.busyTimeoutMs))}`);
  db.pragma(`journal_mode = ${init.journalMode.replace(/[^a-z]/gi, '')}`);
  db.pragma(`synchronous = ${Math.max(0, Math.min(3, Math.floor(init.synchronous)))}`);
  return {
    db,
    head: db.prepare(chainHeadSql(init.recordsTable)).raw(true),
    insert: db.prepare(insertRecordSql(init.recordsTable)),
    insertCheckpoint: db.prepare(insertCheckpointSql(init.checkpointsTable)),
    allHeads: db.prepare(allHeadsSql('sqlite', init.recordsTable)).raw(true),
    signal: new Int32Array(init.placeSignal),
    placePort: init.placePort,
  };
}

function flush(): void {
  flushScheduled = false;
  if (pending.length === 0 || !connection) return;
  const c = connection;
  let group: Request[] = [];
  for (const request of pending) {
    // A checkpoint gets a transaction of its own, after the records before it committed: the heads it signs (and
    // writes to the external file before its commit) are then committed ones, whatever becomes of its own commit.
    if (request.kind === 'place' && request.chains === null) {
      if (group.length > 0) commitGroup(c, group);
      commitGroup(c, [request]);
      group = [];
    } else {
      group.push(request);
    }
  }
  pending = [];
  if (group.length > 0) commitGroup(c, group);
}

function commitGroup(c: Connection, group: readonly Request[]): void {
  const transaction = ++transactions;
  const outcomes: Outcome[] = [];
  try {
    c.db
      .transaction(() => {
        // Heads as this transaction sees them, read once per chain and moved along by each insert.
        const heads = new Map<number, [number, string]>();
        const headOf = (chain: number): [number, string] => {
          let head = heads.get(chain);
          if (head === undefined) {
            const row = c.head.get(chain) as [number, string] | undefined;
            head = row ?? [0, GENESIS_HASH];
            heads.set(chain, head);
          }
          return head;
        };
        for (const request of group) {
          try {
            const written = c.db.transaction(() => (request.kind === 'append' ? appendIfCurrent(c, request, headOf, heads) : placeLocked(c, request, headOf, heads)))();
            outcomes.push(written === undefined ? { kind: 'appended', requestId: request.requestId, transaction } : written);
          } catch (error) {
            heads.clear(); // the savepoint rolled back whatever the request had inserted: read the heads again
            outcomes.push(
              isTakenPlace(error)
                ? { kind: 'conflict', requestId: request.requestId }
                : { kind: 'failed', requestIds: [request.requestId], message: (error as Error).message },
            );
          }
        }
      })
      .immediate();
  } catch (error) {
    const code = (error as { code?: string }).code;
    const requestIds = group.map((request) => request.requestId);
    reply({ kind: code === 'SQLITE_BUSY' ? 'busy' : 'failed', requestIds, message: (error as Error).message });
    return;
  }
  for (const outcome of outcomes) reply(outcome);
}

/** Undefined once written; otherwise why not. */
function appendIfCurrent(c: Connection, request: OptimisticAppend, headOf: (chain: number) => [number, string], heads: Map<number, [number, string]>): Outcome | undefined {
  const { expected } = request;
  for (let i = 0; i < expected.chains.length; i++) {
    const [sequence, hash] = headOf(expected.chains[i]);
    if (sequence !== expected.sequences[i] || hash !== expected.hashes[i]) {
      return { kind: 'conflict', requestId: request.requestId };
    }
  }
  insertRecords(c, request.records, heads);
  return undefined;
}

function placeLocked(c: Connection, request: LockedPlacement, headOf: (chain: number) => [number, string], heads: Map<number, [number, string]>): Outcome | undefined {
  let current: HeadColumns;
  if (request.chains === null) {
    const rows = c.allHeads.all() as [number, number, string][];
    current = { chains: rows.map((r) => r[0]), sequences: rows.map((r) => r[1]), hashes: rows.map((r) => r[2]) };
  } else {
    current = headColumns(request.chains, headOf);
  }
  reply({ kind: 'heads', requestId: request.requestId, heads: current });
  const answer = awaitPlacement(c, request.requestId);
  // The main thread's loop was blocked too long: given up, nothing written; the caller places the batch again.
  if (answer === undefined) return { kind: 'conflict', requestId: request.requestId };
  if ('error' in answer) return { kind: 'failed', requestIds: [request.requestId], message: answer.error };
  if ('checkpoint' in answer) c.insertCheckpoint.run(...answer.checkpoint);
  else insertRecords(c, answer.records, heads);
  return undefined;
}

/** A row at a (chain, sequence) already taken: rows placed on heads that were not the heads. */
function isTakenPlace(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function headColumns(chains: readonly number[], headOf: (chain: number) => [number, string]): HeadColumns {
  const pairs = chains.map(headOf);
  return { chains: [...chains], sequences: pairs.map((p) => p[0]), hashes: pairs.map((p) => p[1]) };
}

function insertRecords(c: Connection, r: RecordColumns, heads: Map<number, [number, string]>): void {
  for (let i = 0; i < r.ids.length; i++) {
    c.insert.run(r.ids[i], r.chains[i], r.sequences[i], r.prevHashes[i], r.hashes[i], r.kinds[i], r.subjects[i], r.decisionIds[i], r.occurredAtMs[i], r.recordedAtMs[i], r.bodies[i]);
    heads.set(r.chains[i], [r.sequences[i], r.hashes[i]]);
  }
}

/**
 * Blocks this thread (holding the write lock, which is the point) until the main thread answers on the placement port.
 * The main thread posts its answer, then raises the signal; answers to placements already given up are skipped.
 */
function awaitPlacement(c: Connection, requestId: number): PlacementAnswer | undefined {
  const deadline = Date.now() + PLACEMENT_TIMEOUT_MS;
  for (;;) {
    for (let received = receiveMessageOnPort(c.placePort); received !== undefined; received = receiveMessageOnPort(c.placePort)) {
      const answer = received.message as PlacementAnswer;
      if (answer.requestId === requestId) return answer;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) return undefined;
    Atomics.wait(c.signal, 0, 0, Math.min(remaining, 50));
    Atomics.store(c.signal, 0, 0);
  }
}
