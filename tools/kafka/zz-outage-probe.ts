import { KafkaEventLog, EventLocation } from '@kairos/event-log';
import { startBroker } from './kafka-broker.mjs';
const idx = { m: new Map<string, EventLocation>(), async findExisting() { return new Map(); }, async record() {}, async find() { return null; } };
async function main() {
  let t = Date.now(); const lap = (s: string) => { process.stdout.write(`${s} ${Date.now() - t}\n`); t = Date.now(); };
  const own = await startBroker({ port: 39492 }); lap('start');
  const log = await KafkaEventLog.open({ brokers: [own.brokers], topic: 'x.outage', partitionCount: 2, eventIdIndex: idx, appendTimeoutMs: 4000, requestTimeoutMs: 2000, connectionTimeoutMs: 500 }); lap('open');
  await log.append([{ id: 'e1', type: 'login', customerId: 'c1', occurredAt: '2026-01-01T00:00:00Z', occurredAtMs: 0, receivedAtMs: 0, source: 's', data: { channel: 'web' } } as any]); lap('append');
  await own.stop(); lap('stop');
  await log.append([{ id: 'e2', type: 'login', customerId: 'c1', occurredAt: '2026-01-01T00:00:00Z', occurredAtMs: 0, receivedAtMs: 0, source: 's', data: { channel: 'web' } } as any]).catch((e) => lap('refused ' + e.code));
  await log.health(); lap('health');
  await log.close(); lap('close');
}
main();
