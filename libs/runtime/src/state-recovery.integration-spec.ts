import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@kairos/config';
import { createLogger } from '@kairos/observability';
import { PartitionSnapshotRepository } from '@kairos/persistence';
import { atmPinFailedEvent, loginEvent } from '@kairos/testing';
import { KairosRuntime } from './kairos-runtime';

/**
 * Reliability test R2 through the real worker and the real snapshot table: the newest snapshot of every partition
 * is corrupted (a flipped byte, or cut short), then all of them; a restart must detect each one, fall back to the
 * previous snapshot or a full replay, and serve exactly the state it served before. 0 wrong states.
 */
const CUSTOMERS = 60;

async function openRuntime(dataDir: string): Promise<KairosRuntime> {
  const config = loadConfig({ KAIROS_DATA_DIR: dataDir, KAIROS_DEMO_POPULATION: 'false', KAIROS_SNAPSHOT_EVERY_EVENTS: '100000', KAIROS_SQLITE_SYNC: 'normal' });
  const runtime = await KairosRuntime.open(config, createLogger({ level: 'silent' }));
  await runtime.startWorker();
  return runtime;
}

async function caughtUp(runtime: KairosRuntime): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ([...(await runtime.consumerLag()).values()].some((lag) => lag > 0)) {
    if (Date.now() > deadline) throw new Error('worker did not catch up');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function views(runtime: KairosRuntime): string[] {
  return Array.from({ length: CUSTOMERS }, (_, c) => JSON.stringify(runtime.profiles.profile(`r2-c-${c}`).attributes));
}

describe('R2: corrupt or truncated snapshots are detected and never served', () => {
  let dataDir: string;

  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'kairos-r2-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('falls back to the previous snapshot, then to a full replay, with identical state', async () => {
    let runtime = await openRuntime(dataDir);
    const send = async (round: number) => {
      const events = Array.from({ length: 600 }, (_, i) => (i % 2 ? loginEvent : atmPinFailedEvent)(`r2-c-${i % CUSTOMERS}`, { id: `r2-${round}-${i}` }));
      for (let i = 0; i < events.length; i += 200) await runtime.ingestion.ingest(events.slice(i, i + 200));
      await caughtUp(runtime);
      await runtime.worker.snapshotAll();
    };
    await send(1);
    await send(2);
    await send(3);
    const expected = views(runtime);
    await runtime.close();

    // Newest snapshot of each partition: flip one byte in half of them, cut the other half short.
    const snapshots = new PartitionSnapshotRepository((runtime = await openRuntimeWithoutWorker(dataDir)).database);
    let corrupted = 0;
    for (let p = 0; p < runtime.config.partitions; p++) {
      const [newest] = await snapshots.newestFirst(p);
      if (!newest) continue;
      const bytes = Uint8Array.from(newest.data);
      const damaged = p % 2 === 0 ? (bytes[Math.floor(bytes.length / 2)] ^= 0x40, bytes) : bytes.slice(0, Math.floor(bytes.length * 0.7));
      await snapshots.overwriteData(p, newest.offset, damaged);
      corrupted++;
    }
    await runtime.close();

    runtime = await openRuntime(dataDir);
    await caughtUp(runtime);
    expect(views(runtime)).toEqual(expected);
    const rejected = await runtime.metrics.snapshotsRejected.get();
    expect(rejected.values[0].value).toBe(corrupted);
    await runtime.close();

    // Every snapshot corrupt: full replay from the log.
    runtime = await openRuntimeWithoutWorker(dataDir);
    const allSnapshots = new PartitionSnapshotRepository(runtime.database);
    for (let p = 0; p < runtime.config.partitions; p++) {
      for (const stored of await allSnapshots.newestFirst(p)) await allSnapshots.overwriteData(p, stored.offset, stored.data.slice(0, 10));
    }
    await runtime.close();
    runtime = await openRuntime(dataDir);
    await caughtUp(runtime);
    expect(views(runtime)).toEqual(expected);
    await runtime.close();
    process.stdout.write(`R2: ${corrupted} corrupt newest snapshots + all snapshots corrupt: detected, 0 wrong states served\n`);
  }, 120_000);
});

async function openRuntimeWithoutWorker(dataDir: string): Promise<KairosRuntime> {
  return KairosRuntime.open(loadConfig({ KAIROS_DATA_DIR: dataDir, KAIROS_DEMO_POPULATION: 'false' }), createLogger({ level: 'silent' }));
}
