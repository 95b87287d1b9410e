import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@kairos/config';
import type { DecisionOutcome } from '@kairos/decisioning';
import { createLogger } from '@kairos/observability';
import type { ChannelCapacityWindowRow, OutboxEntry } from '@kairos/persistence';
import { freshStorageTarget } from '@kairos/testing';
import { openCampaigns } from './campaigns-parts';
import { KairosRuntime } from './kairos-runtime';

/**
 * KAIROS_CHANNEL_CAPACITY is one budget for the cluster: two runtimes on one PostgreSQL database, each emitting
 * callbacks and both dispatching at once, release no more than the capacity in the window between them — and each
 * sees the channel as spent (decision port, /v1/capacity state) once the other used it up.
 */
const CAPACITY = 25;
const PER_RUNTIME = 40;
const MASTER_KEY = randomBytes(32).toString('base64');

describe('channel capacity shared by two runtimes on one PostgreSQL database', () => {
  const storage = freshStorageTarget('postgres');
  const dirs: string[] = [];
  const runtimes: KairosRuntime[] = [];

  async function openRuntime(id: string): Promise<KairosRuntime> {
    if (storage.target.dialect !== 'postgres') throw new Error('postgres target expected');
    const dataDir = mkdtempSync(join(tmpdir(), `kairos-capacity-${id}-`));
    dirs.push(dataDir);
    const config = loadConfig({
      KAIROS_DATA_DIR: dataDir,
      DATABASE_URL: storage.target.url,
      KAIROS_DB_SCHEMA: storage.target.schema,
      KAIROS_MASTER_KEY: MASTER_KEY,
      KAIROS_DEMO_POPULATION: 'false',
      LOG_LEVEL: 'silent',
      KAIROS_CHANNEL_CAPACITY: JSON.stringify([{ channel: 'callback', capacity: CAPACITY, window: '1d', overflow: 'defer', maxDefer: '3d' }]),
    });
    const runtime = await KairosRuntime.open(config, createLogger({ level: 'silent' }));
    runtimes.push(runtime);
    return runtime;
  }

  afterAll(async () => {
    if (storage.target.dialect === 'postgres') await runtimes[0]?.database.query(`DROP SCHEMA "${storage.target.schema}" CASCADE`).catch(() => undefined);
    for (const runtime of runtimes) await runtime.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const callbacks = (tag: string, count: number): DecisionOutcome[] =>
    Array.from({ length: count }, (_unused, i) => ({
      decisionId: `cap-${tag}-${i}`,
      customerId: `cap-customer-${i}`,
      decidedAtMs: Date.now(),
      actions: [{ rank: 1, actionId: 'card-unlock', actionVersion: 1, channel: 'callback', priority: i, content: { ref: 'card-unlock', version: '1', campaignId: null, variantId: null } }],
      holdouts: [],
    })) as unknown as DecisionOutcome[];

  it('releases the capacity of a window once over both dispatchers, and both see the channel spent', async () => {
    const a = await openRuntime('a');
    const b = await openRuntime('b');
    const [outboxA, outboxB] = [a.modules.outbox.outbox, b.modules.outbox.outbox];
    const released = () => [a, b].map((runtime) => runtime.modules.campaigns.budget.states()[0]!.released);
    // A sends 10 of the 25; B, whose own count is 0, gets only the remaining 15 of its 40.
    await outboxA.sink.emit(callbacks('a', 10));
    await outboxA.dispatcher.drain();
    await outboxB.sink.emit(callbacks('b', PER_RUNTIME));
    await outboxB.dispatcher.drain();
    expect(released()).toEqual([10, CAPACITY - 10]);
    // Then both dispatchers drain the shared table at once: their claims meet on the spent window row.
    await outboxA.sink.emit(callbacks('a2', PER_RUNTIME));
    await Promise.all([outboxA.dispatcher.drain(), outboxB.dispatcher.drain()]);
    expect(released()).toEqual([10, CAPACITY - 10]);
    const windows = await a.database.getRepository<ChannelCapacityWindowRow>('ChannelCapacityWindow').find();
    expect(windows.map((row) => [row.channel, row.used])).toEqual([['callback', CAPACITY]]);
    const counts = await outboxA.repository.countByStatus();
    expect(counts.published).toBe(CAPACITY);
    expect(counts.pending).toBe(10 + 2 * PER_RUNTIME - CAPACITY);
    const waiting = await a.database.getRepository<OutboxEntry>('ActionOutbox').find({ where: { status: 'pending' } });
    expect(new Set(waiting.map((row) => row.nextAttemptAtMs % 86_400_000))).toEqual(new Set([0]));
    expect(waiting.every((row) => row.lastError?.startsWith('capacity_deferred_since:'))).toBe(true);

    // Each process's budget, after its refresh, reports the cluster-wide use and turns decisions away.
    for (const runtime of [a, b]) {
      const parts = await openCampaigns(runtime);
      await parts.budget.refresh();
      expect(parts.capacity('callback', Date.now())).toBe(false);
      expect(parts.budget.states()).toEqual([expect.objectContaining({ channel: 'callback', scope: 'cluster', state: 'open', capacity: CAPACITY, usedInWindow: CAPACITY })]);
    }
  });
});
