import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlatformProcess, freePort, loginEvent, requestJson, startPlatformProcess } from '@kairos/testing';

/**
 * Reliability test D2: events are posted in batches while the platform process is killed with SIGKILL at random
 * moments; clients retry every batch that was not acknowledged. Afterwards every event that got a 202 must be
 * there, retried duplicates must be applied once, and no batch may be half-stored.
 */
const CUSTOMERS = 400;
const EVENTS = 20_000;
const BATCH = 50;
const KILLS = 20;
const CONCURRENCY = 4;

describe('D2: kill -9 of the embedded platform while events are posted', () => {
  let dataDir: string;
  let platform: PlatformProcess | undefined;

  beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'kairos-d2-'))));
  afterAll(async () => {
    await platform?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`loses nothing acknowledged and applies retries once over ${KILLS} crashes`, async () => {
    const events = Array.from({ length: EVENTS }, (_, i) => loginEvent(`d2-cust-${i % CUSTOMERS}`, { id: `d2-evt-${i}` }));
    const batches = Array.from({ length: EVENTS / BATCH }, (_, b) => events.slice(b * BATCH, (b + 1) * BATCH));
    const acknowledged = new Set<number>(); // batch numbers answered 202
    let duplicatesAnswered = 0;
    let halfStored = 0;
    let cutByKill = 0;
    const port = await freePort();
    const env = { KAIROS_SNAPSHOT_EVERY_EVENTS: '1500', KAIROS_SNAPSHOT_EVERY_MS: '300' };

    let random = 42;
    const nextRandom = () => ((random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

    for (let round = 0; round <= KILLS; round++) {
      const roundStart = Date.now();
      platform = await startPlatformProcess({ dataDir, port, env });
      const startedMs = Date.now() - roundStart;
      const baseUrl = platform.baseUrl;
      let crashed = false;
      // Each round sends more than its share of what is left (the last round everything) and the kill comes early,
      // so every kill lands while posting.
      const remaining = batches.map((_, b) => b).filter((b) => !acknowledged.has(b));
      const pending = round < KILLS ? remaining.slice(0, Math.ceil((remaining.length / (KILLS - round + 1)) * 3)) : remaining;
      const send = async () => {
        while (pending.length > 0 && !crashed) {
          const b = pending.shift()!;
          try {
            const response = await requestJson(baseUrl, 'POST', '/v1/events', { apiKey: 'demo-channel', body: { events: batches[b] } });
            if (response.status !== 202) continue; // retried next round
            acknowledged.add(b);
            duplicatesAnswered += response.body.duplicates;
            if (response.body.accepted + response.body.duplicates !== BATCH) halfStored++;
          } catch {
            // connection cut by the crash: not acknowledged, the client retries it
            cutByKill++;
          }
        }
      };
      const senders = Array.from({ length: CONCURRENCY }, send);
      if (round < KILLS) {
        await new Promise((resolve) => setTimeout(resolve, 20 + nextRandom() * 130));
        crashed = true;
        await platform.kill('SIGKILL');
      }
      await Promise.all(senders);
      if (process.env.KAIROS_TEST_VERBOSE) process.stdout.write(`D2 round ${round}: start ${startedMs} ms, acknowledged ${acknowledged.size}/${batches.length} batches\n`);
    }

    expect(acknowledged.size).toBe(batches.length);
    expect(halfStored).toBe(0);
    expect(cutByKill).toBeGreaterThanOrEqual(KILLS); // the kills really hit requests in flight

    // Every acknowledged event is stored and applied exactly once: per-customer applied counts equal sent counts.
    const baseUrl = platform!.baseUrl;
    const deadline = Date.now() + 30_000;
    let mismatched: string[] = [];
    do {
      mismatched = [];
      for (let c = 0; c < CUSTOMERS; c++) {
        const profile = await requestJson(baseUrl, 'GET', `/v1/customers/d2-cust-${c}/profile`, { apiKey: 'demo-admin' });
        if (profile.body?.attributes?.eventCount !== EVENTS / CUSTOMERS) mismatched.push(`d2-cust-${c}:${profile.body?.attributes?.eventCount}`);
      }
      if (mismatched.length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    } while (mismatched.length > 0 && Date.now() < deadline);
    expect(mismatched).toEqual([]);

    for (let i = 0; i < EVENTS; i += 97) {
      const trace = await requestJson(baseUrl, 'GET', `/v1/events/d2-evt-${i}/trace`, { apiKey: 'demo-admin' });
      expect(trace.status).toBe(200);
    }
    process.stdout.write(`D2: ${EVENTS} tried, ${EVENTS} held, 0 lost, 0 applied twice; ${KILLS} kills cutting ${cutByKill} requests in flight, ${duplicatesAnswered} retried events answered duplicate\n`);
  }, 420_000);
});
