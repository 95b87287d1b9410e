import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { partitionForCustomer } from '@kairos/contracts';
import { JsonBody, PlatformProcess, TEST_POSTGRES_URL, freePort, startPlatformProcess } from '@kairos/testing';
import { approveDemoContent } from '../demo-content';

/**
 * Reliability D4 (rebalance storm) and R3 (partition handover) against real processes: three platform processes in
 * Kafka mode on one PostgreSQL schema; one of the two non-governing ones is stopped or started every `periodMs`
 * while events are produced over HTTP (each id retried until acknowledged) and decisions are requested from every
 * live process. The harness keeps the ledger (acknowledged event ids, decisions with their state offsets, committed
 * offsets of the group over time, outbox rows and the records on the action topics); the caller judges it.
 */
export interface RebalanceStormOptions {
  readonly brokers: readonly string[];
  readonly stormMs: number;
  /** One process is stopped or started this often. */
  readonly periodMs: number;
  readonly customers: number;
  /** Customers whose credit card goes over its limit during the storm (one outbound decision each). */
  readonly overdrawn: number;
  readonly partitions?: number;
  readonly log?: (line: string) => void;
  /** Log level of the processes (default warn). */
  readonly logLevel?: string;
  /** Writes each process's output (warnings and errors) to this directory when it stops. */
  readonly logDir?: string;
}

export interface DecisionSample {
  readonly customerId: string;
  readonly partition: number;
  readonly startedAtMs: number;
  readonly endedAtMs: number;
  readonly status: number;
  readonly retryAfter: string | null;
  readonly stateOffset: number | null;
  readonly servedBy: string | null;
  readonly target: number;
  /** The process owning the partition in the directory as last observed when the request started (-1: none known). */
  readonly ownerAtStart: number;
  /** Error code of a refusal (503: NOT_PARTITION_OWNER, …). */
  readonly error: string | null;
}

export interface RebalanceStormReport {
  /** Process starts and stops during the storm (each one rebalances the group). */
  readonly membershipChanges: number;
  /** Partition moves seen in the directory (owner changed). */
  readonly handovers: { partition: number; atMs: number; from: string | null; to: string }[];
  readonly decisions: readonly DecisionSample[];
  /** Decisions refused by a connection error: the target process was just being stopped (not an HTTP answer). */
  readonly refusedConnections: number;
  /** Per customer: events acknowledged (202 accepted or duplicate) vs the profile's applied event count. */
  readonly eventCounts: ReadonlyMap<string, { acknowledged: number; applied: number | null }>;
  readonly eventsSent: number;
  readonly eventRetries: number;
  /** Committed offsets of the group as polled over time: partition → [atMs, offset][]. */
  readonly committed: ReadonlyMap<number, readonly (readonly [number, number])[]>;
  /** Outbox rows at the end (decision id, action id, customer, status). */
  readonly outbox: readonly { decisionId: string; actionId: string; customerId: string; status: string; lastError: string | null }[];
  /** Message ids of the records on the action topics, with how often each was published. */
  readonly published: ReadonlyMap<string, number>;
  /** Customers sent over their limit (each must get exactly one outbound decision). */
  readonly overdrawnCustomers: readonly string[];
  readonly wallMs: number;
}

const DAY = 86_400_000;
const ACTION_CHANNELS = ['email', 'push', 'callback', 'sms', 'letter'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Deterministic choices (seeded), so a failing run can be repeated with the same request pattern. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A zone where it is daytime now (outside every channel's quiet hours), so outbound actions are not deferred. */
function daytimeZone(): string {
  const zones = ['Europe/Berlin', 'Asia/Tokyo', 'Pacific/Kiritimati', 'Pacific/Auckland', 'Asia/Kolkata', 'America/Sao_Paulo', 'America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu'];
  for (const timeZone of zones) {
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
    if (hour >= 10 && hour <= 18) return timeZone;
  }
  throw new Error('no candidate zone is between 10:00 and 19:00 now');
}

interface Member {
  readonly index: number;
  readonly dataDir: string;
  readonly port: number;
  process: PlatformProcess | null;
  live: boolean;
}

export async function runRebalanceStorm(options: RebalanceStormOptions): Promise<RebalanceStormReport> {
  const started = Date.now();
  const say = options.log ?? (() => undefined);
  const partitions = options.partitions ?? 8;
  const run = randomBytes(4).toString('hex');
  const schema = `kairos_d4_${run}`;
  const topic = `kairos.d4.${run}.events`;
  const group = `kairos.d4.${run}`;
  const actionPrefix = `kairos.d4.${run}.actions.`;
  const env = {
    KAFKA_BROKERS: options.brokers.join(','),
    DATABASE_URL: TEST_POSTGRES_URL,
    KAIROS_DB_SCHEMA: schema,
    KAIROS_MASTER_KEY: randomBytes(32).toString('base64'),
    KAIROS_TOPIC: topic,
    KAIROS_SOURCE_TOPIC: `kairos.d4.${run}.source`,
    KAIROS_CONSUMER_GROUP: group,
    KAIROS_OUTBOX_TOPIC_PREFIX: actionPrefix,
    KAIROS_PARTITIONS: String(partitions),
    KAIROS_KAFKA_SESSION_TIMEOUT_MS: '6000',
    KAIROS_SNAPSHOT_EVERY_MS: '1000',
    KAIROS_FORWARD_TIMEOUT_MS: '3000',
    LOG_LEVEL: options.logLevel ?? 'warn',
  };
  const members: Member[] = [];
  const rand = seeded(4242);
  const pg = new Client({ connectionString: TEST_POSTGRES_URL });
  const kafka = new Kafka({ clientId: `d4-${run}`, brokers: [...options.brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const timers: NodeJS.Timeout[] = [];

  const start = async (member: Member) => {
    member.process = await startPlatformProcess({ dataDir: member.dataDir, port: member.port, env, timeoutMs: 120_000 });
    member.live = true;
  };
  let lives = 0;
  const keepOutput = (member: Member) => {
    if (options.logDir && member.process) writeFileSync(join(options.logDir, `process-${member.index}-life-${++lives}.log`), member.process.output());
  };
  const stop = async (member: Member) => {
    member.live = false;
    await member.process?.kill('SIGTERM');
    keepOutput(member);
    member.process = null;
  };
  const liveMembers = () => members.filter((m) => m.live && m.process);
  const anyLive = () => {
    const live = liveMembers();
    return live[Math.floor(rand() * live.length)]!;
  };
  const call = async (member: Member, method: string, path: string, apiKey: string, body?: unknown) => {
    const response = await fetch(`${member.process?.baseUrl ?? `http://127.0.0.1:${member.port}`}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let json: JsonBody = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, body: json, headers: response.headers };
  };

  // The ledger of events: an id counts once it was acknowledged (accepted or duplicate); until then it is resent.
  const acknowledged = new Map<string, number>();
  let eventsSent = 0;
  let eventRetries = 0;
  let seq = 0;
  const event = (customerId: string, type: string, data: JsonBody, ageMs: number) => ({ id: `d4-${run}-${++seq}`, type, customerId, occurredAt: new Date(Date.now() - ageMs).toISOString(), source: 'core-banking', data });
  const send = async (events: JsonBody[]) => {
    eventsSent += events.length;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) eventRetries++;
      if (attempt > 200) throw new Error('events were not acknowledged after 200 attempts');
      try {
        const reply = await call(anyLive(), 'POST', '/v1/events', 'demo-channel', { events });
        if (reply.status === 202) {
          for (const e of events) acknowledged.set(e.customerId, (acknowledged.get(e.customerId) ?? 0) + 1);
          return;
        }
        if (reply.status !== 503 && reply.status !== 429) throw new Error(`POST /v1/events answered ${reply.status}: ${JSON.stringify(reply.body).slice(0, 300)}`);
      } catch (error) {
        if ((error as Error).message.startsWith('POST /v1/events answered')) throw error;
        // connection refused or reset: the target is stopping; the same ids are sent again
      }
      await sleep(100);
    }
  };
  const consent = async (customerId: string) => {
    const change = { purpose: 'marketing', status: 'given', method: 'app', capturedAt: new Date().toISOString(), noticeId: 'notice-1', noticeVersion: '1', evidenceRef: `ev-${run}-${customerId}` };
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        const reply = await call(anyLive(), 'PUT', `/v1/customers/${customerId}/consents`, 'demo-dpo', change);
        if (reply.status === 200 || reply.status === 202) {
          acknowledged.set(customerId, (acknowledged.get(customerId) ?? 0) + (reply.body.changes?.length ?? 0));
          return;
        }
        if (reply.status !== 503) throw new Error(`consent answered ${reply.status}: ${JSON.stringify(reply.body).slice(0, 300)}`);
      } catch (error) {
        if ((error as Error).message.startsWith('consent answered')) throw error;
      }
      await sleep(200);
    }
    throw new Error('consent not recorded');
  };

  const decisions: DecisionSample[] = [];
  let refusedConnections = 0;
  const committed = new Map<number, [number, number][]>();
  const handovers: RebalanceStormReport['handovers'] = [];
  const owners = new Map<number, string>();
  /** Process id in the directory → index of the member (by the port of its advertised URL). */
  const memberOfProcess = new Map<string, number>();
  let membershipChanges = 0;
  const customers = Array.from({ length: options.customers }, (_u, i) => `d4-${run}-c${i}`);
  const overdrawnCustomers = customers.slice(0, options.overdrawn);

  try {
    await pg.connect();
    await admin.connect();
    for (let i = 0; i < 3; i++) members.push({ index: i, dataDir: mkdtempSync(join(tmpdir(), `kairos-d4-${i}-`)), port: await freePort(), process: null, live: false });
    // The first process migrates the schema alone; the others join once it is there.
    await start(members[0]!);
    say(`process 0 up after ${Date.now() - started} ms`);
    await Promise.all([start(members[1]!), start(members[2]!)]);
    say(`3 processes up after ${Date.now() - started} ms`);
    await approveDemoContent(members[0]!.process!.baseUrl);

    const timeZone = daytimeZone();
    for (let i = 0; i < customers.length; i += 10) {
      const batch = customers.slice(i, i + 10).flatMap((id) => [
        event(id, 'customer_registered', { birthDate: '1985-03-03', country: 'DE', language: 'de', timeZone }, 900 * DAY),
        event(id, 'product_opened', { product: 'checking_account', productId: `ca-${id}` }, 800 * DAY),
        // Opened recently: the "unused for 30 days" trigger stays quiet, so the over-limit fire is each customer's only occasion.
        event(id, 'product_opened', { product: 'credit_card', productId: `cc-${id}`, limit: 2000 }, 2 * DAY),
      ]);
      await send(batch);
    }
    for (const id of overdrawnCustomers) await consent(id);
    say(`seeded ${customers.length} customers after ${Date.now() - started} ms`);

    // Observers: committed offsets of the group and the owners in the partition directory.
    const observe = async () => {
      try {
        const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        const at = Date.now();
        for (const { partition, offset } of offsets?.partitions ?? []) {
          const series = committed.get(partition) ?? [];
          const value = Number(offset);
          if (series.length === 0 || series[series.length - 1]![1] !== value) series.push([at, value]);
          committed.set(partition, series);
        }
        const listed = await pg.query<{ process_id: string; base_url: string }>(`SELECT process_id, base_url FROM "${schema}".cluster_members`);
        for (const row of listed.rows) {
          const member = members.find((m) => row.base_url.endsWith(`:${m.port}`));
          if (member) memberOfProcess.set(row.process_id, member.index);
        }
        const claims = await pg.query<{ partition: number; process_id: string; epoch: string }>(`SELECT partition, process_id, epoch FROM "${schema}".cluster_partition_claims`);
        const best = new Map<number, { processId: string; epoch: number }>();
        for (const row of claims.rows) {
          const epoch = Number(row.epoch);
          const current = best.get(row.partition);
          if (!current || epoch > current.epoch) best.set(row.partition, { processId: row.process_id, epoch });
        }
        for (const [partition, { processId }] of best) {
          const before = owners.get(partition);
          if (before !== processId) {
            if (before !== undefined) handovers.push({ partition, atMs: Date.now(), from: before, to: processId });
            owners.set(partition, processId);
          }
        }
      } catch {
        // the next poll tries again
      }
    };
    timers.push(setInterval(() => void observe(), 250));

    const stormEnds = Date.now() + options.stormMs;
    const decide = async () => {
      while (Date.now() < stormEnds) {
        const member = anyLive();
        const customerId = customers[Math.floor(rand() * customers.length)]!;
        const startedAtMs = Date.now();
        const ownerAtStart = memberOfProcess.get(owners.get(partitionForCustomer(customerId, partitions)) ?? '');
        try {
          const reply = await call(member, 'POST', '/v1/decisions', 'demo-channel-app', { customerId, channel: 'app' });
          decisions.push({
            customerId,
            partition: partitionForCustomer(customerId, partitions),
            startedAtMs,
            endedAtMs: Date.now(),
            status: reply.status,
            retryAfter: reply.headers.get('retry-after'),
            stateOffset: typeof reply.body?.stateOffset === 'number' ? reply.body.stateOffset : null,
            servedBy: reply.headers.get('x-kairos-served-by'),
            target: member.index,
            ownerAtStart: ownerAtStart ?? -1,
            error: reply.status === 200 ? null : String(reply.body?.error ?? reply.status) + ': ' + String(reply.body?.message ?? '').slice(0, 120),
          });
        } catch {
          refusedConnections++;
        }
        await sleep(20);
      }
    };
    const produce = async () => {
      const overdrawAt = new Map(overdrawnCustomers.map((id, i) => [id, Math.floor(((i + 0.5) / overdrawnCustomers.length) * options.stormMs * 0.8)]));
      const t0 = Date.now();
      while (Date.now() < stormEnds) {
        const batch: JsonBody[] = [];
        for (let i = 0; i < 5; i++) {
          const id = customers[Math.floor(rand() * customers.length)]!;
          batch.push(event(id, 'login', { channel: 'app' }, 1_000));
        }
        for (const [id, at] of overdrawAt) {
          if (Date.now() - t0 < at) continue;
          overdrawAt.delete(id);
          batch.push(event(id, 'balance_changed', { productId: `cc-${id}`, product: 'credit_card', balance: -2150, limit: 2000 }, 1_000));
        }
        await send(batch);
        await sleep(50);
      }
      for (const [id] of overdrawAt) await send([event(id, 'balance_changed', { productId: `cc-${id}`, product: 'credit_card', balance: -2150, limit: 2000 }, 1_000)]);
    };
    // A change every period, whatever a start costs: a start runs in the background (it takes a Node start and a
    // group join) and counts once the process answers; meanwhile the next period may stop the other process.
    const starting = new Set<Member>();
    const storm = async () => {
      const starts: Promise<void>[] = [];
      let turn = 0;
      // On a fixed beat (not a pause after each change), so a slow stop does not thin out the storm.
      for (let beat = stormEnds - options.stormMs + options.periodMs; beat <= stormEnds; beat += options.periodMs) {
        await sleep(beat - Date.now());
        const down = members.find((m) => !m.live && !starting.has(m));
        if (down) {
          starting.add(down);
          say(`starting process ${down.index} at +${Date.now() - started} ms`);
          starts.push(
            start(down)
              .then(() => void membershipChanges++)
              .finally(() => starting.delete(down)),
          );
          continue;
        }
        const candidates = members.slice(1).filter((m) => m.live);
        if (candidates.length === 0) continue;
        const member = candidates[turn++ % candidates.length]!;
        say(`stopping process ${member.index} at +${Date.now() - started} ms`);
        await stop(member);
        membershipChanges++;
      }
      await Promise.all(starts);
    };
    await Promise.all([decide(), decide(), produce(), storm()]);
    say(`storm over after ${Date.now() - started} ms: ${membershipChanges} membership changes, ${handovers.length} handovers`);

    // Settle on the processes that are up: every event applied, every outbox row published.
    const eventCounts = new Map<string, { acknowledged: number; applied: number | null }>();
    const settleBy = Date.now() + 60_000;
    for (const customerId of customers) {
      const expected = acknowledged.get(customerId) ?? 0;
      let applied: number | null = null;
      for (;;) {
        try {
          const reply = await call(anyLive(), 'GET', `/v1/customers/${customerId}/profile`, 'demo-dpo');
          if (reply.status === 200) applied = reply.body.attributes.eventCount as number;
        } catch {
          // retried
        }
        if (applied === expected || Date.now() > settleBy) break;
        await sleep(100);
      }
      eventCounts.set(customerId, { acknowledged: expected, applied });
    }
    let outbox: RebalanceStormReport['outbox'] = [];
    for (;;) {
      const rows = await pg.query<{ decision_id: string; action_id: string; customer_id: string; status: string; last_error: string | null }>(`SELECT decision_id, action_id, customer_id, status, last_error FROM "${schema}".action_outbox`);
      outbox = rows.rows.map((r) => ({ decisionId: r.decision_id, actionId: r.action_id, customerId: r.customer_id, status: r.status, lastError: r.last_error }));
      if (outbox.every((r) => r.status !== 'pending') || Date.now() > settleBy) break;
      await sleep(200);
    }
    const published = await readActionTopics(kafka, admin, actionPrefix, run);
    await observe();
    return { membershipChanges, handovers, decisions, refusedConnections, eventCounts, eventsSent, eventRetries, committed, outbox, published, overdrawnCustomers, wallMs: Date.now() - started };
  } finally {
    for (const timer of timers) clearInterval(timer);
    await Promise.all(members.map((m) => m.process?.kill('SIGTERM').catch(() => undefined)));
    for (const m of members) keepOutput(m);
    for (const m of members) rmSync(m.dataDir, { recursive: true, force: true });
    await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pg.end().catch(() => undefined);
    const topics = (await admin.listTopics().catch(() => [] as string[])).filter((t) => t.startsWith(`kairos.d4.${run}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.deleteGroups([group, `${group}.reader`]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/** Every record on the action topics, by message id (header), read up to the high watermark of each partition. */
async function readActionTopics(kafka: Kafka, admin: ReturnType<Kafka['admin']>, prefix: string, run: string): Promise<Map<string, number>> {
  const existing = new Set(await admin.listTopics());
  const topics = ACTION_CHANNELS.map((c) => `${prefix}${c}`).filter((t) => existing.has(t));
  const published = new Map<string, number>();
  if (topics.length === 0) return published;
  const remaining = new Map<string, number>();
  for (const topic of topics) {
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      if (Number(high) > Number(low)) remaining.set(`${topic}/${partition}`, Number(high));
    }
  }
  if (remaining.size === 0) return published;
  const consumer = kafka.consumer({ groupId: `kairos.d4.${run}.reader`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const id = message.headers?.['kairos-message-id']?.toString() ?? `(no id) ${topic}/${partition}@${message.offset}`;
      published.set(id, (published.get(id) ?? 0) + 1);
      const key = `${topic}/${partition}`;
      if (Number(message.offset) + 1 >= (remaining.get(key) ?? 0)) remaining.delete(key);
      if (remaining.size === 0) done();
    },
  });
  await Promise.race([finished, sleep(30_000)]);
  await consumer.disconnect();
  return published;
}

export interface RebalanceStormVerdict {
  /** Events acknowledged but not applied (or applied twice), per customer whose count differs. */
  readonly eventCountMismatches: readonly { customerId: string; acknowledged: number; applied: number | null }[];
  /** Outbox rows (committed actions) never published to their topic. */
  readonly lost: readonly string[];
  /** Published message ids with no outbox row (an action of a decision that was not committed). */
  readonly unknownPublished: readonly string[];
  /** Occasions with more than one outbound decision: customer → decision ids. */
  readonly duplicated: readonly { customerId: string; decisionIds: string[] }[];
  /** Overdrawn customers without an outbound decision. */
  readonly missingOccasions: readonly string[];
  readonly serverErrors: readonly DecisionSample[];
  readonly unavailableWithoutRetryAfter: readonly DecisionSample[];
  /** R3: decisions from state below the group's committed offset (minus one) known before they started. */
  readonly belowCommitted: readonly (DecisionSample & { floor: number })[];
  /** Decisions from older state than a decision of the same partition that had completed before they started. */
  readonly staleReads: readonly (DecisionSample & { seen: number })[];
  readonly summary: {
    readonly decisions: number;
    readonly ok: number;
    readonly unavailable: number;
    readonly forwarded: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly rawPublished: number;
    readonly distinctPublished: number;
    readonly outboxRows: number;
    readonly outboxByStatus: Readonly<Record<string, number>>;
  };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Judges a storm's ledger against the D4 and R3 criteria. */
export function judgeRebalanceStorm(report: RebalanceStormReport): RebalanceStormVerdict {
  const eventCountMismatches = [...report.eventCounts].filter(([, c]) => c.applied !== c.acknowledged).map(([customerId, c]) => ({ customerId, ...c }));
  const rowIds = new Set(report.outbox.map((r) => `${r.decisionId}:${r.actionId}`));
  const lost = [...rowIds].filter((id) => !report.published.has(id));
  const unknownPublished = [...report.published.keys()].filter((id) => !rowIds.has(id));
  const decisionsByCustomer = new Map<string, Set<string>>();
  for (const row of report.outbox) decisionsByCustomer.set(row.customerId, (decisionsByCustomer.get(row.customerId) ?? new Set()).add(row.decisionId));
  const duplicated = [...decisionsByCustomer].filter(([, ids]) => ids.size > 1).map(([customerId, ids]) => ({ customerId, decisionIds: [...ids] }));
  const missingOccasions = report.overdrawnCustomers.filter((id) => !decisionsByCustomer.has(id));
  const serverErrors = report.decisions.filter((d) => d.status >= 500 && d.status !== 503);
  const unavailableWithoutRetryAfter = report.decisions.filter((d) => d.status === 503 && !d.retryAfter);
  const served = report.decisions.filter((d) => d.status === 200 && d.stateOffset !== null);
  const belowCommitted: (DecisionSample & { floor: number })[] = [];
  for (const d of served) {
    let floor = -1;
    for (const [atMs, offset] of report.committed.get(d.partition) ?? []) if (atMs <= d.startedAtMs) floor = Math.max(floor, offset - 1);
    if (d.stateOffset! < floor) belowCommitted.push({ ...d, floor });
  }
  const staleReads: (DecisionSample & { seen: number })[] = [];
  const byPartition = new Map<number, DecisionSample[]>();
  for (const d of served) byPartition.set(d.partition, [...(byPartition.get(d.partition) ?? []), d]);
  for (const samples of byPartition.values()) {
    const byEnd = [...samples].sort((a, b) => a.endedAtMs - b.endedAtMs);
    for (const d of samples) {
      let seen = -1;
      for (const earlier of byEnd) {
        if (earlier.endedAtMs >= d.startedAtMs) break;
        seen = Math.max(seen, earlier.stateOffset!);
      }
      if (d.stateOffset! < seen) staleReads.push({ ...d, seen });
    }
  }
  const latencies = report.decisions.map((d) => d.endedAtMs - d.startedAtMs).sort((a, b) => a - b);
  return {
    eventCountMismatches,
    lost,
    unknownPublished,
    duplicated,
    missingOccasions,
    serverErrors,
    unavailableWithoutRetryAfter,
    belowCommitted,
    staleReads,
    summary: {
      decisions: report.decisions.length,
      ok: served.length,
      unavailable: report.decisions.filter((d) => d.status === 503).length,
      forwarded: report.decisions.filter((d) => d.status === 200 && d.ownerAtStart >= 0 && d.ownerAtStart !== d.target).length,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      rawPublished: [...report.published.values()].reduce((a, b) => a + b, 0),
      distinctPublished: report.published.size,
      outboxRows: report.outbox.length,
      outboxByStatus: report.outbox.reduce<Record<string, number>>((counts, row) => ({ ...counts, [row.status]: (counts[row.status] ?? 0) + 1 }), {}),
    },
  };
}

/** The reliability lines: `D4: N tried, N held, 0 lost, 0 duplicated` and `R3: N tried, N held`, with the figures. */
export function stormReportLines(report: RebalanceStormReport, verdict: RebalanceStormVerdict): string {
  const s = verdict.summary;
  const d4Failed = verdict.eventCountMismatches.length + verdict.lost.length + verdict.duplicated.length + verdict.serverErrors.length + verdict.unknownPublished.length + verdict.missingOccasions.length;
  const r3Failed = new Set([...verdict.belowCommitted, ...verdict.staleReads].map((d) => d.partition)).size;
  return (
    `D4: ${report.membershipChanges} tried, ${d4Failed === 0 ? report.membershipChanges : 0} held, ${verdict.lost.length} lost, ${verdict.duplicated.length} duplicated ` +
    `(${report.membershipChanges} process stops/starts, ${report.handovers.length} partition handovers)\n` +
    `    events ${report.eventsSent} acknowledged (${report.eventRetries} resends), ${verdict.eventCountMismatches.length} customers with applied != acknowledged; ` +
    `actions ${s.outboxRows} committed ${JSON.stringify(s.outboxByStatus)}, ${s.rawPublished} records published (${s.distinctPublished} distinct message ids), ${verdict.missingOccasions.length} occasions without action\n` +
    `    decisions ${s.decisions}: ${s.ok} served (${s.forwarded} by way of another process), ${s.unavailable} × 503 + Retry-After, ${verdict.serverErrors.length} other 5xx, ` +
    `${report.refusedConnections} connections refused by a stopping process; latency p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms\n` +
    `R3: ${report.handovers.length} tried, ${report.handovers.length - r3Failed} held (${verdict.belowCommitted.length} decisions from state below the committed offset, ` +
    `${verdict.staleReads.length} from older state than an answer completed before them)\n` +
    `    ${Math.round(report.wallMs / 1000)} s wall\n`
  );
}
