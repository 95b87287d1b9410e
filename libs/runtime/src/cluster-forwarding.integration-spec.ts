import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Client } from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Body, Controller, Get, Module, Param, Post, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RequirePermission } from '@kairos/access';
import { Cluster, OwnerBound, PartitionProgressSource, openCluster } from '@kairos/cluster';
import { loadConfig } from '@kairos/config';
import { KairosError, partitionForCustomer } from '@kairos/contracts';
// The port is not exported from @kairos/decisioning-service's index yet.
import type { OwnerForwarder } from '../../decisioning-service/src/decision-sources';
import type { LoggedEvent } from '@kairos/contracts';
import type { PartitionConsumerHandler } from '@kairos/event-log';
import { createLogger } from '@kairos/observability';
import { ClusterDirectoryRepository } from '@kairos/persistence';
import { freshStorageTarget, freePort } from '@kairos/testing';
import { mountClusterEdge } from './cluster-parts';
import { createHttpApp } from './create-http-app';
import { KairosRuntime } from './kairos-runtime';

/**
 * Forwarding to the partition owner (issue 6 §4) and the handover floor (R3), with two in-process apps on real
 * sockets sharing one PostgreSQL schema as the partition directory. Ownership is driven through the same consumer
 * handler the event log calls on a rebalance; the worker behind it is a stand-in that only tracks applied offsets.
 */
const PARTITIONS = 12;
const AUTH = { authorization: 'Bearer demo-dpo' };
const MASTER_KEY = randomBytes(32).toString('base64');

/** Applied offsets per owned partition, moved by the test (the real worker folds records). */
class OffsetWorker implements PartitionConsumerHandler, PartitionProgressSource {
  readonly offsets = new Map<number, number>();
  readonly restoreAt = new Map<number, number>();
  async onAssigned(partitions: readonly number[]): Promise<ReadonlyMap<number, number>> {
    for (const p of partitions) this.offsets.set(p, this.restoreAt.get(p) ?? -1);
    return new Map(partitions.map((p) => [p, (this.offsets.get(p) ?? -1) + 1]));
  }
  async onRevoked(partitions: readonly number[]): Promise<void> {
    for (const p of partitions) this.offsets.delete(p);
  }
  async onRecords(_partition: number, _records: readonly LoggedEvent[]): Promise<void> {
    // Offsets are moved by the test.
  }
  store(partition: number): { lastAppliedOffset: number } | undefined {
    const offset = this.offsets.get(partition);
    return offset === undefined ? undefined : { lastAppliedOffset: offset };
  }
}

interface Served {
  servedBy: string;
  customerId: string;
  stateOffset: number;
}

/** A test-only owner-bound route pair; each served answer records the state offset it was computed from. */
function echoModule(processId: string, worker: OffsetWorker, served: Served[]): Type {
  @Controller('v1/cluster-test')
  class OwnerEchoController {
    @Get('customers/:customerId/echo')
    @RequirePermission('read', 'Profile')
    @OwnerBound({ param: 'customerId' })
    echo(@Param('customerId') customerId: string): Served {
      if (customerId.startsWith('missing-')) throw new KairosError('NOT_FOUND', 'no such customer');
      const answer = { servedBy: processId, customerId, stateOffset: worker.store(partitionForCustomer(customerId, PARTITIONS))?.lastAppliedOffset ?? -2 };
      served.push(answer);
      return answer;
    }

    @Post('customers/echo')
    @RequirePermission('read', 'Profile')
    @OwnerBound({ body: 'customerId' })
    echoBody(@Body() body: { customerId: string; note: string }): Served & { note: string } {
      return { ...this.echo(body.customerId), note: body.note };
    }
  }
  @Module({ controllers: [OwnerEchoController] })
  class EchoModule {}
  return EchoModule;
}

interface Node {
  readonly id: string;
  readonly runtime: KairosRuntime;
  readonly app: NestFastifyApplication;
  readonly cluster: Cluster;
  readonly worker: OffsetWorker;
  readonly handler: PartitionConsumerHandler;
  readonly baseUrl: string;
  readonly served: Served[];
  received: number;
}

const customerIn = (partition: number, tag: string): string => {
  for (let i = 0; ; i++) if (partitionForCustomer(`${tag}-${i}`, PARTITIONS) === partition) return `${tag}-${i}`;
};

describe('forwarding to the partition owner (two processes, one PostgreSQL directory)', () => {
  const storage = freshStorageTarget('postgres');
  const dirs: string[] = [];
  const nodes: Node[] = [];
  let a: Node;
  let b: Node;

  async function startNode(id: string): Promise<Node> {
    const dataDir = mkdtempSync(join(tmpdir(), `kairos-cluster-${id}-`));
    dirs.push(dataDir);
    if (storage.target.dialect !== 'postgres') throw new Error('postgres target expected');
    const config = loadConfig({
      KAIROS_DATA_DIR: dataDir,
      DATABASE_URL: storage.target.url,
      KAIROS_DB_SCHEMA: storage.target.schema,
      KAIROS_MASTER_KEY: MASTER_KEY,
      KAIROS_DEMO_POPULATION: 'false',
      KAIROS_PARTITIONS: String(PARTITIONS),
      KAIROS_FORWARD_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'silent',
    });
    const logger = createLogger({ level: 'silent' });
    const runtime = await KairosRuntime.open(config, logger);
    const worker = new OffsetWorker();
    // What openClusterParts builds in Kafka mode; called directly because this test runs without a broker.
    const cluster = openCluster({ mode: 'distributed', partitionCount: PARTITIONS, logger, repository: new ClusterDirectoryRepository(runtime.database), progress: worker, processId: id, heartbeatMs: 250, memberTtlMs: 1_500, servableWaitMs: 400 });
    const served: Served[] = [];
    const app = await createHttpApp(runtime, [echoModule(id, worker, served)]);
    mountClusterEdge(app, config, cluster);
    const node = { id, runtime, app, cluster, worker, handler: cluster.handlerFor(worker), served, received: 0 } as Omit<Node, 'baseUrl'> & { baseUrl: string };
    app.getHttpAdapter().getInstance().addHook('onRequest', async () => void node.received++);
    const port = await freePort();
    await app.listen({ port, host: '127.0.0.1' });
    node.baseUrl = `http://127.0.0.1:${port}`;
    await cluster.start(node.baseUrl);
    nodes.push(node);
    return node;
  }

  const get = (node: Node, customerId: string, headers: Record<string, string> = {}) => fetch(`${node.baseUrl}/v1/cluster-test/customers/${customerId}/echo`, { headers: { ...AUTH, ...headers } });

  beforeAll(async () => {
    a = await startNode('proc-a');
    b = await startNode('proc-b');
    await a.handler.onAssigned([0, 1, 2, 3, 4, 5]);
    await b.handler.onAssigned([6, 7, 8, 9, 10, 11]);
    await a.cluster.directory.refresh();
    await b.cluster.directory.refresh();
  }, 60_000);

  afterAll(async () => {
    for (const node of nodes) {
      await node.cluster.stop();
      await node.app.close();
    }
    for (const node of nodes) await node.runtime.close();
    if (storage.target.dialect === 'postgres') {
      const client = new Client({ connectionString: storage.target.url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${storage.target.schema}" CASCADE`);
      await client.end();
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('implements the OwnerForwarder port of the decision core', () => {
    const port: OwnerForwarder = a.cluster.forwarder;
    expect(typeof port.forward).toBe('function');
  });

  it('serves a customer of its own partition locally and forwards any other to the owner over the socket', async () => {
    const local = customerIn(1, 'fw-local');
    const remote = customerIn(7, 'fw-remote');
    const here = await get(a, local);
    expect(here.status).toBe(200);
    expect(here.headers.get('x-kairos-served-by')).toBeNull();
    await expect(here.json()).resolves.toEqual({ servedBy: 'proc-a', customerId: local, stateOffset: -1 });

    const before = b.received;
    const there = await get(a, remote);
    expect(there.status).toBe(200);
    expect(there.headers.get('x-kairos-served-by')).toBe('proc-b');
    expect(there.headers.get('content-type')).toMatch(/application\/json/);
    await expect(there.json()).resolves.toEqual({ servedBy: 'proc-b', customerId: remote, stateOffset: -1 });
    expect(b.received).toBe(before + 1);
  });

  it('forwards a body-bound POST with its body and relays the status the owner chose', async () => {
    const remote = customerIn(9, 'fw-post');
    const response = await fetch(`${a.baseUrl}/v1/cluster-test/customers/echo`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ customerId: remote, note: 'hi' }) });
    expect(response.status).toBe(201);
    await expect(response.json()).resolves.toEqual({ servedBy: 'proc-b', customerId: remote, stateOffset: -1, note: 'hi' });
  });

  it('relays the owner’s errors as they are, and the owner authenticates the caller itself', async () => {
    const missing = customerIn(8, 'missing');
    const notFound = await get(a, missing);
    expect(notFound.status).toBe(404);
    await expect(notFound.json()).resolves.toEqual(expect.objectContaining({ error: 'NOT_FOUND' }));
    // A channel key may not read profiles: refused here already, never forwarded.
    const before = b.received;
    const denied = await get(a, customerIn(8, 'fw-denied'), { authorization: 'Bearer demo-channel' });
    expect(denied.status).toBe(403);
    expect(b.received).toBe(before);
  });

  it('never forwards a request twice: an already forwarded request at a non-owner answers 503 with Retry-After', async () => {
    const remote = customerIn(10, 'fw-hop');
    const before = b.received;
    const response = await get(a, remote, { 'x-kairos-forwarded': '1' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    await expect(response.json()).resolves.toEqual(expect.objectContaining({ error: 'NOT_PARTITION_OWNER' }));
    expect(b.received).toBe(before);
  });

  it('stops a loop after one hop when the directory points back at the sender', async () => {
    // A misconfigured owner advertising the sender's URL: A forwards to itself once, and that hop is refused.
    const ghost = openCluster({ mode: 'distributed', partitionCount: PARTITIONS, logger: createLogger({ level: 'silent' }), repository: new ClusterDirectoryRepository(a.runtime.database), processId: 'proc-ghost', heartbeatMs: 250, memberTtlMs: 1_500 });
    const ghostHandler = ghost.handlerFor(new OffsetWorker());
    await ghost.start(a.baseUrl);
    await ghostHandler.onAssigned([11]);
    try {
      await a.cluster.directory.refresh();
      expect(a.cluster.directory.ownerOf(11)?.processId).toBe('proc-ghost');
      const before = a.received;
      const response = await get(a, customerIn(11, 'fw-loop'));
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(a.received).toBe(before + 2); // the client's request and exactly one hop
    } finally {
      await ghost.stop();
      await a.cluster.directory.refresh();
    }
    expect(a.cluster.directory.ownerOf(11)?.processId).toBe('proc-b');
  });

  it('answers 503 with Retry-After when the owner is unreachable or gone, within the forward timeout', async () => {
    const deadPort = await freePort();
    const ghost = openCluster({ mode: 'distributed', partitionCount: PARTITIONS, logger: createLogger({ level: 'silent' }), repository: new ClusterDirectoryRepository(a.runtime.database), processId: 'proc-dead', heartbeatMs: 250, memberTtlMs: 1_500 });
    const ghostHandler = ghost.handlerFor(new OffsetWorker());
    await ghost.start(`http://127.0.0.1:${deadPort}`);
    await ghostHandler.onAssigned([6]);
    await a.cluster.directory.refresh();
    const customer = customerIn(6, 'fw-gone');
    const started = Date.now();
    const unreachable = await get(a, customer);
    expect(unreachable.status).toBe(503);
    expect(unreachable.headers.get('retry-after')).toBe('1');
    expect(Date.now() - started).toBeLessThan(1_500);
    // Killed without leaving: its heartbeats stop, it expires, and requests go to the remaining claimant again.
    for (const timer of (ghost.directory as unknown as { timers: NodeJS.Timeout[] }).timers) clearInterval(timer);
    const deadline = Date.now() + 5_000;
    while (a.cluster.directory.ownerOf(6)?.processId !== 'proc-b' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(a.cluster.directory.ownerOf(6)?.processId).toBe('proc-b');
    // proc-b was never revoked in this scenario: it serves again once the dead claim is gone.
    const recovered = await get(a, customer);
    expect(recovered.status).toBe(200);
    await ghost.stop();
  });

  it('R3: a new owner serves only from state at or past the handover offset; requests meanwhile get 503 + Retry-After', async () => {
    const partition = 3;
    const customer = customerIn(partition, 'r3');
    a.worker.offsets.set(partition, 41);
    b.worker.restoreAt.set(partition, 10); // an older snapshot: the new owner must replay past 41 first
    await new Promise((r) => setTimeout(r, 450)); // two heartbeats report A's applied offset
    // The group moves the partition: B is assigned before A's revoke arrives (they race in a real rebalance).
    await b.handler.onAssigned([partition]);
    expect(b.cluster.directory.isServable(partition)).toBe(false); // A still claims it
    const during = await get(b, customer);
    expect(during.status).toBe(503);
    expect(during.headers.get('retry-after')).toBe('1');
    // Until its revoke arrives A may still answer from its own (newest) state, or refuse with 503; never B.
    const meanwhile = await get(a, customer);
    expect([200, 503]).toContain(meanwhile.status);
    a.worker.offsets.set(partition, 44); // A applied more before the revoke: the floor is its final offset
    await a.handler.onRevoked([partition]);
    await b.cluster.directory.refresh();
    expect(b.cluster.directory.handoverOffset(partition)).toBe(44);
    expect(b.cluster.directory.isServable(partition)).toBe(false); // replaying: at 10 < 44
    const replaying = await get(b, customer);
    expect(replaying.status).toBe(503);
    b.worker.offsets.set(partition, 44);
    await a.cluster.directory.refresh();
    const afterHandover = await get(a, customer);
    expect(afterHandover.status).toBe(200);
    await expect(afterHandover.json()).resolves.toEqual({ servedBy: 'proc-b', customerId: customer, stateOffset: 44 });
    // R3: the new owner computed nothing from state older than the handover offset; the old one only its latest.
    const servedByB = b.served.filter((s) => s.customerId === customer);
    expect(servedByB.length).toBeGreaterThan(0);
    expect(servedByB.filter((s) => s.stateOffset < 44)).toEqual([]);
    expect(a.served.filter((s) => s.customerId === customer && s.stateOffset !== 41)).toEqual([]);
  });
});
