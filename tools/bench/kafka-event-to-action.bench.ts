/**
 * Kafka mode, event → outbound action (design target: p99 < 50 ms at 5,000 events/s). A platform process on the
 * broker; the benchmark appends to the event topic as the ingestion service does: an open loop at RATE events/s of
 * the bank simulator's mixed events, of which SHARE are `balance_changed` records that take a prepared customer's
 * credit card over its limit (seed trigger `credit-card-over-limit` → one outbound marketing decision → outbox →
 * the channel's Kafka topic). The benchmark consumes the action topics and matches each action to its trigger
 * event by customer (every prepared customer goes over its limit exactly once).
 *
 * Times, all from the one machine clock: produced = the event was built and handed to the log (its receivedAtMs);
 * accepted = the log's append resolved (acks=all on the event topic, what a 202 waits for); published = the
 * action record's timestamp (set by the outbox's producer when it sent the record); seen = this consumer got it.
 * Usage: KAFKA_BROKERS=127.0.0.1:39092 node --max-semi-space-size=64 -r @swc-node/register tools/bench/kafka-event-to-action.bench.ts [rate] [seconds] [share]
 * (the larger young generation keeps this process — the load generator — from pausing up to ~90 ms in major
 * collections, which would count as platform latency; `npm run bench` passes it).
 * BENCH_FIRES_FILE=<path> also writes every fire's timeline (see writeFireTimeline); KAIROS_BENCH_PROFILE_DIR=<dir> a
 * CPU profile of the platform process.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import type { CustomerEvent, IncomingEvent } from '@kairos/contracts';
import { approveDemoContent } from '@kairos/runtime';
import { BankSimulation } from '@kairos/simulator';
import { produceOpenLoop, quantileOf, startKafkaBenchPlatform } from './kafka-bench-platform';
import { histogramQuantile, metricValue } from './prometheus-text';

const RATE = Number(process.argv[2] ?? 5_000);
const SECONDS = Number(process.argv[3] ?? 20);
const SHARE = Number(process.argv[4] ?? 0.01);
/**
 * The open loop runs this long before the measured seconds, at the same rate and share (BENCH_WARMUP_SECONDS,
 * default 5). The first fires of a process take the cold paths (JIT, first audit flushes, first publishes): about
 * 0.4 s of fires at 50–170 ms, which would otherwise be most of the measured p99. Reported apart, as `warmup`.
 */
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 5);
const OUTBOUND_CHANNELS = ['email', 'push', 'sms', 'callback', 'letter'];
const DAY = 86_400_000;
/** After the last event: how long actions may still arrive before the missing ones count as lost. */
const SETTLE_MS = 30_000;

/** A fixed-offset zone where it is about noon now: outside every channel's quiet hours, so nothing is deferred. */
function noonZone(): string {
  const offset = (12 - new Date().getUTCHours() + 24) % 24;
  const hours = offset > 12 ? offset - 24 : offset;
  // Etc/GMT names carry the inverted sign (Etc/GMT-8 is UTC+8).
  return hours === 0 ? 'Etc/GMT' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
}

/**
 * Background traffic: the simulator's events minus registrations (their names and contact data would reach the
 * topic untokenized, as the benchmark bypasses ingestion), re-timed to now when sent.
 */
function simulatedBackground(count: number): IncomingEvent[] {
  const events: IncomingEvent[] = [];
  const simulation = new BankSimulation({ seed: 7, customers: 4_000, days: 60 });
  for (const batch of simulation.eventBatches()) {
    for (const event of batch) if (event.type !== 'customer_registered') events.push(event);
    if (events.length >= count) break;
  }
  return events;
}

interface Fire {
  readonly customerId: string;
  readonly warmup: boolean;
  producedAtMs: number;
  acceptedAtMs: number;
}

interface ActionSeen {
  readonly decisionId: string;
  readonly channel: string;
  readonly decidedAtMs: number;
  readonly createdAtMs: number;
  readonly publishedAtMs: number;
  readonly seenAtMs: number;
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: quantileOf(sorted, 0.5), p99: quantileOf(sorted, 0.99), p999: quantileOf(sorted, 0.999), max: sorted[sorted.length - 1] ?? NaN };
}

async function main() {
  const firesWanted = Math.round(RATE * (WARMUP_SECONDS + SECONDS) * SHARE);
  const background = simulatedBackground(RATE * (WARMUP_SECONDS + SECONDS) + 2_000);
  const platform = await startKafkaBenchPlatform({ app: 'platform' });
  const { log, run } = platform;
  const kafka = new Kafka({ clientId: 'kairos-bench-actions', brokers: [...platform.brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const consumer = kafka.consumer({ groupId: `${run}.reader`, maxWaitTimeInMs: 5 });
  const actionsByCustomer = new Map<string, ActionSeen[]>();
  const messageIds = new Map<string, number>();
  let sequence = 0;
  const stamp = (event: Omit<CustomerEvent, 'id' | 'occurredAtMs' | 'receivedAtMs' | 'occurredAt'>, ageMs = 0): CustomerEvent => {
    const now = Date.now();
    // The letter keeps the run's hex digits and the sequence from forming a 13-19 digit run: ingestion refuses
    // anything that could be a card number (a Luhn-valid one goes to the dead-letter topic), ids included.
    return { ...event, id: `${run}-e${sequence++}`, occurredAt: new Date(now - ageMs).toISOString(), occurredAtMs: now - ageMs, receivedAtMs: now } as CustomerEvent;
  };
  try {
    await approveDemoContent(platform.process.baseUrl);
    // The action topics exist before the consumer subscribes (a pattern matches the topics there at subscription).
    await admin.connect();
    await admin.createTopics({ topics: OUTBOUND_CHANNELS.map((channel) => ({ topic: `${platform.actionTopicPrefix}${channel}`, numPartitions: 12 })), waitForLeaders: true });
    await consumer.connect();
    await consumer.subscribe({ topics: OUTBOUND_CHANNELS.map((channel) => `${platform.actionTopicPrefix}${channel}`), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const seenAtMs = Date.now();
        const body = JSON.parse(String(message.value)) as { messageId: string; decisionId: string; customerId: string; channel: string; decidedAt: string; createdAt: string };
        messageIds.set(body.messageId, (messageIds.get(body.messageId) ?? 0) + 1);
        const seen = { decisionId: body.decisionId, channel: body.channel, decidedAtMs: Date.parse(body.decidedAt), createdAtMs: Date.parse(body.createdAt), publishedAtMs: Number(message.timestamp), seenAtMs };
        actionsByCustomer.set(body.customerId, [...(actionsByCustomer.get(body.customerId) ?? []), seen]);
      },
    });

    // Prepared customers: a checking account, a new credit card (too new for the "unused for 30 days" trigger) and
    // marketing consent, so going over the limit makes exactly one outbound decision each.
    const timeZone = noonZone();
    const prepared = Array.from({ length: firesWanted }, (_unused, i) => `${run}-over-${i}`);
    const preparation = prepared.flatMap((customerId, i) => [
      stamp({ type: 'customer_registered', customerId, source: 'core-banking', data: { birthDate: '1985-03-03', country: 'DE', language: 'de', timeZone } }, 900 * DAY),
      stamp({ type: 'product_opened', customerId, source: 'core-banking', data: { product: 'checking_account', productId: `ca-${i}` } }, 800 * DAY),
      stamp({ type: 'product_opened', customerId, source: 'core-banking', data: { product: 'credit_card', productId: `cc-${i}`, limit: 2000 } }, 2 * DAY),
      stamp({ type: 'consent_changed', customerId, source: 'governance-api', data: { consentId: `consent-${i}`, purpose: 'marketing', status: 'given', method: 'app', capturedAt: new Date().toISOString(), noticeId: 'notice-1', noticeVersion: '1', evidenceRef: `evidence-${i}` } }),
    ]);
    for (let i = 0; i < preparation.length; i += 500) await log.append(preparation.slice(i, i + 500));
    await platform.waitApplied(preparation.length);
    const appliedBefore = metricValue(await platform.metrics(), 'kairos_events_applied_total');

    // The open loop: every 1/SHARE-th event is a trigger event, the rest simulated background.
    const fires: Fire[] = [];
    const fireOf = new Map<string, Fire>();
    let backgroundAt = 0;
    let untilFire = 0;
    const nextBatch = (size: number): CustomerEvent[] => {
      const events: CustomerEvent[] = [];
      for (let i = 0; i < size; i++) {
        untilFire -= SHARE;
        if (untilFire < 0 && fires.length < prepared.length) {
          untilFire += 1;
          const customerId = prepared[fires.length]!;
          const event = stamp({ type: 'balance_changed', customerId, source: 'core-banking', data: { productId: `cc-${fires.length}`, product: 'credit_card', balance: -2150, limit: 2000 } });
          const fire = { customerId, warmup: event.receivedAtMs < measuredFrom, producedAtMs: event.receivedAtMs, acceptedAtMs: NaN };
          fires.push(fire);
          fireOf.set(event.id, fire);
          events.push(event);
          continue;
        }
        const simulated = background[backgroundAt++ % background.length]!;
        events.push(stamp({ type: simulated.type, customerId: `${run}-${simulated.customerId}`, source: simulated.source, data: simulated.data } as CustomerEvent));
      }
      return events;
    };
    const started = Date.now();
    const measuredFrom = started + WARMUP_SECONDS * 1_000;
    let offeredSeconds = 0;
    const sent = await produceOpenLoop(RATE, WARMUP_SECONDS + SECONDS, nextBatch, async (events) => {
      offeredSeconds = (Date.now() - started) / 1000;
      await log.append(events);
      const acceptedAtMs = Date.now();
      for (const event of events) {
        const fire = fireOf.get(event.id);
        if (fire) fire.acceptedAtMs = acceptedAtMs;
      }
    });
    const settleBy = Date.now() + SETTLE_MS;
    while (fires.some((fire) => !actionsByCustomer.has(fire.customerId)) && Date.now() < settleBy) await new Promise((resolve) => setTimeout(resolve, 100));
    await platform.waitApplied(appliedBefore + sent);
    // Late duplicates (a second publish of one row) would show up within this pause.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const metrics = await platform.metrics();

    const matched = fires.filter((fire) => !fire.warmup && actionsByCustomer.has(fire.customerId));
    const warmedUp = fires.filter((fire) => fire.warmup && actionsByCustomer.has(fire.customerId));
    const first = (fire: Fire) => actionsByCustomer.get(fire.customerId)!.reduce((a, b) => (a.publishedAtMs <= b.publishedAtMs ? a : b));
    if (process.env['BENCH_FIRES_FILE']) writeFireTimeline(process.env['BENCH_FIRES_FILE'], started, [...warmedUp, ...matched].map((fire) => ({ fire, action: first(fire) })));
    const preparedSet = new Set(prepared);
    const backgroundActions = [...actionsByCustomer.keys()].filter((customerId) => !preparedSet.has(customerId)).length;
    console.log(
      JSON.stringify(
        {
          benchmark: 'Kafka mode event → outbound action (append to the event topic → action record on its channel topic)',
          rate: RATE,
          seconds: SECONDS,
          warmupSeconds: WARMUP_SECONDS,
          offeredRate: Math.round(sent / offeredSeconds),
          triggerShare: SHARE,
          loadAverage: loadavg().map((n) => Number(n.toFixed(2))),
          counts: {
            events: sent,
            triggerEvents: fires.length,
            warmupTriggerEvents: fires.filter((fire) => fire.warmup).length,
            triggerFires: metricValue(metrics, 'kairos_trigger_fires_total') || undefined,
            firesWithAction: matched.length + warmedUp.length,
            firesWithoutAction: fires.length - matched.length - warmedUp.length,
            actionsPublished: [...messageIds.values()].reduce((sum, n) => sum + n, 0),
            distinctActions: messageIds.size,
            duplicateRecords: [...messageIds.values()].reduce((sum, n) => sum + n - 1, 0),
            backgroundCustomersWithActions: backgroundActions,
          },
          latencyMs: {
            producedToPublished: summary(matched.map((fire) => first(fire).publishedAtMs - fire.producedAtMs)),
            acceptedToPublished: summary(matched.map((fire) => first(fire).publishedAtMs - fire.acceptedAtMs)),
            producedToSeen: summary(matched.map((fire) => first(fire).seenAtMs - fire.producedAtMs)),
            // The worker's own histogram (bucket upper bounds, every event incl. the preparation): where the time before the decision goes.
            workerAcceptToAppliedSeconds: { p50: histogramQuantile(metrics, 'kairos_accept_to_applied_seconds', 0.5), p99: histogramQuantile(metrics, 'kairos_accept_to_applied_seconds', 0.99) },
            stages: {
              producedToDecided: summary(matched.map((fire) => first(fire).decidedAtMs - fire.producedAtMs)),
              decidedToOutboxWrite: summary(matched.map((fire) => first(fire).createdAtMs - first(fire).decidedAtMs)),
              outboxWriteToPublished: summary(matched.map((fire) => first(fire).publishedAtMs - first(fire).createdAtMs)),
            },
            warmup: { acceptedToPublished: summary(warmedUp.map((fire) => first(fire).publishedAtMs - fire.acceptedAtMs)) },
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([`${run}.reader`]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    await platform.close();
  }
}

/**
 * One line per fire, in ms since the open loop started: produced, accepted, decided, outbox row written, published,
 * seen — for telling a stall (fires of one moment all late, in every stage) from a slow stage.
 */
function writeFireTimeline(file: string, startedAtMs: number, fires: readonly { fire: Fire; action: ActionSeen }[]): void {
  const at = (ms: number) => ms - startedAtMs;
  const lines = fires.map(({ fire, action }) => [fire.producedAtMs, fire.acceptedAtMs, action.decidedAtMs, action.createdAtMs, action.publishedAtMs, action.seenAtMs].map(at).join('\t'));
  writeFileSync(file, `# open loop started at ${new Date(startedAtMs).toISOString()} (${startedAtMs})\nproduced\taccepted\tdecided\twritten\tpublished\tseen\n${lines.join('\n')}\n`);
}

void main();
