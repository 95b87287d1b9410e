import { seededRandom as random } from '@kairos/random';
/**
 * Trigger and decision benchmark (issue 6): events per second through profile + 20 triggers on one core, and
 * decisions per second (with per-decision latency percentiles) through the full pipeline on the seed catalog.
 *
 *   node --expose-gc -r @swc-node/register tools/bench/triggers.bench.ts [--customers 50000] [--events 1000000]
 *     [--decisions 50000] [--seed 42]
 *   node --expose-gc -r @swc-node/register tools/bench/triggers.bench.ts --engine-only [--events 1000000]
 *
 * `--engine-only` is the trigger engine's own micro-bench: the 20-trigger document of the ingestion bench
 * (ingestion-trigger-set.ts) over that bench's event stream (logins, page views, debit card payments of 50,000
 * customers), profiles folded batch by batch as the partition worker does, and the engine's CPU time per event
 * measured apart from the profile's. It prints a digest of every fire, so a change to the engine can show it fires
 * exactly what it fired before.
 *
 * The event stream is synthetic and seeded (card transactions, logins, page views, balances, PIN failures, product
 * openings, messages); events are generated before timing. "profile only" folds the stream into a fresh store,
 * "profile + triggers" folds and evaluates in batches of 500 as the partition worker does (with a clock tick per
 * simulated minute); the difference is the trigger cost. Decisions read features from the folded profiles.
 */
import type { CustomerEvent, EventType, LoggedEvent } from '@kairos/contracts';
import { decide, decisionAuditDraft, loadActionCatalogFile, profileFeatureSource, type DecisionChannel, type DecisionInputs } from '@kairos/decisioning';
import { PartitionProfileStore, defaultFeatureRegistry, profileAttributes, profileOf } from '@kairos/profile';
import { InMemoryTimerStore, SEED_TRIGGER_DOCUMENT, TriggerEngine, compileTriggerSet, type FiredTrigger } from '@kairos/triggers';
import { createHash } from 'node:crypto';
import { benchTriggerDocument } from './ingestion-trigger-set';

interface Options {
  customers: number;
  events: number;
  decisions: number;
  seed: number;
  engineOnly: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { customers: 50_000, events: 1_000_000, decisions: 50_000, seed: 42, engineOnly: argv.includes('--engine-only') };
  for (let i = 0; i < argv.length; i++) {
    const value = Number(argv[i + 1]);
    if (argv[i] === '--customers') options.customers = value;
    else if (argv[i] === '--events') options.events = value;
    else if (argv[i] === '--decisions') options.decisions = value;
    else if (argv[i] === '--seed') options.seed = value;
    else continue;
    i++;
  }
  return options;
}

const registry = defaultFeatureRegistry();
const START = Date.UTC(2026, 9, 1);
const DAY = 86_400_000;

/** The five seed triggers plus fifteen more of every kind, so 20 triggers run. */
function twentyTriggers(): unknown {
  const seed = (SEED_TRIGGER_DOCUMENT as { triggers: unknown[] }).triggers;
  const more = [
    { id: 'online-spend-burst', kind: 'count', event: { type: 'card_transaction', where: { channel: 'ecommerce' } }, atLeast: 5, within: '1h', cooldown: '1d' },
    { id: 'login-burst', kind: 'count', event: { type: 'login' }, atLeast: 10, within: '1h', cooldown: '1d' },
    { id: 'app-browsing', kind: 'count', event: { type: 'page_view', where: { channel: 'app' } }, atLeast: 20, within: '10m', cooldown: '1d' },
    { id: 'repeated-complaints', kind: 'count', event: { type: 'complaint_filed' }, atLeast: 2, within: '30d', cooldown: '30d' },
    { id: 'repeated-calls', kind: 'count', event: { type: 'call_started' }, atLeast: 3, within: '7d', cooldown: '7d' },
    { id: 'jewellery-purchases', kind: 'count', event: { type: 'card_transaction', where: { merchantCategory: ['5944', '5094'] } }, atLeast: 2, within: '1d', cooldown: '7d' },
    { id: 'repeated-card-locks', kind: 'count', event: { type: 'card_locked' }, atLeast: 2, within: '30d', cooldown: '30d' },
    { id: 'debit-card-unused-14d', kind: 'absence', after: { type: 'product_opened', where: { product: 'debit_card' } }, awaiting: { type: 'card_transaction', where: { product: 'debit_card' } }, within: '14d', correlateBy: 'productId', cooldown: '14d' },
    { id: 'no-login-after-registration', kind: 'absence', after: { type: 'customer_registered' }, awaiting: { type: 'login' }, within: '7d', cooldown: '30d' },
    { id: 'message-not-opened', kind: 'absence', after: { type: 'message_delivered' }, awaiting: { type: 'message_opened' }, within: '3d', cooldown: '3d' },
    { id: 'birthday', kind: 'calendar', occasion: 'birthday', atLocalTime: '08:00', cooldown: '1d' },
    { id: 'credit-card-near-limit', kind: 'threshold', condition: 'credit_card_balance < -0.9 * credit_card_limit', on: ['balance_changed'], cooldown: '7d' },
    { id: 'high-card-spend', kind: 'threshold', condition: 'card_spend_sum_30d > 3000', on: ['card_transaction'], cooldown: '30d' },
    { id: 'engaged-reader', kind: 'threshold', condition: 'messages_clicked_count_30d >= 3', on: ['message_clicked'], cooldown: '30d' },
    { id: 'activity-drop', kind: 'score_change', model: 'activity', crosses: 0.2, direction: 'down', rearmAt: 0.3, cooldown: '14d' },
  ].map((t) => ({ description: t.id, ...t }));
  return { version: 'bench', triggers: [...seed, ...more] };
}

const MCC = ['5411', '5812', '5541', '5944', '5094', '5732', '4121'];
const TYPES: readonly [EventType, number][] = [
  ['card_transaction', 0.5],
  ['login', 0.13],
  ['page_view', 0.15],
  ['balance_changed', 0.1],
  ['atm_pin_failed', 0.03],
  ['product_opened', 0.02],
  ['message_delivered', 0.03],
  ['message_opened', 0.02],
  ['message_clicked', 0.01],
  ['call_started', 0.005],
  ['complaint_filed', 0.002],
  ['card_locked', 0.003],
];

function generate(options: Options): LoggedEvent[][] {
  const next = random(options.seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const batches: LoggedEvent[][] = [];
  let batch: LoggedEvent[] = [];
  let offset = 0;
  const push = (customer: number, type: EventType, atMs: number, data: unknown) => {
    const event = { id: `e${offset}`, type, customerId: `c${customer}`, occurredAt: '', occurredAtMs: atMs, receivedAtMs: atMs, source: 'bench', data } as CustomerEvent;
    batch.push({ partition: 0, offset: offset++, event });
    if (batch.length === 500) {
      batches.push(batch);
      batch = [];
    }
  };
  for (let c = 0; c < options.customers; c++) {
    const birth = new Date(START - (16 + Math.floor(next() * 60)) * 365.25 * DAY - Math.floor(next() * 365) * DAY).toISOString().slice(0, 10);
    push(c, 'customer_registered', START - DAY + c, { birthDate: birth, country: 'DE', language: 'de', timeZone: next() < 0.8 ? 'Europe/Berlin' : 'Europe/London' });
    push(c, 'product_opened', START - DAY + c + 1, { product: 'credit_card', productId: `cc${c}`, limit: 1000 + Math.floor(next() * 4) * 1000 });
  }
  const span = 30 * DAY;
  const remaining = Math.max(0, options.events - 2 * options.customers);
  for (let i = 0; i < remaining; i++) {
    const atMs = START + Math.floor((i / remaining) * span);
    // A quarter of the customers make most of the events, as in real banks.
    const customer = next() < 0.7 ? Math.floor(next() * (options.customers / 4)) : Math.floor(next() * options.customers);
    let r = next();
    let type: EventType = 'card_transaction';
    for (const [t, weight] of TYPES) {
      if ((r -= weight) <= 0) {
        type = t;
        break;
      }
    }
    const product = next() < 0.6 ? 'credit_card' : 'debit_card';
    switch (type) {
      case 'card_transaction':
        push(customer, type, atMs, { cardId: `card${customer}`, product, amount: Math.round(next() * 20000) / 100, currency: 'EUR', merchantCategory: pick(MCC), channel: pick(['pos', 'ecommerce', 'contactless', 'wallet']) });
        break;
      case 'login':
      case 'page_view':
        push(customer, type, atMs, type === 'login' ? { channel: pick(['web', 'app']) } : { channel: pick(['web', 'app']), page: '/accounts' });
        break;
      case 'balance_changed':
        push(customer, type, atMs, { productId: `cc${customer}`, product: 'credit_card', balance: -Math.round(next() * 5000) });
        break;
      case 'atm_pin_failed':
        for (let k = 0; k < 3; k++) push(customer, type, atMs + k * 30_000, { cardId: `card${customer}`, atmId: 'atm1' });
        break;
      case 'product_opened':
        push(customer, type, atMs, { product: 'debit_card', productId: `dc${customer}-${i}` });
        break;
      case 'message_delivered':
      case 'message_opened':
      case 'message_clicked':
        push(customer, type, atMs, { messageId: `m${i}`, actionId: 'retention-offer', variantId: 'fee-waiver' });
        break;
      case 'call_started':
        push(customer, type, atMs, { channel: 'ivr' });
        break;
      case 'complaint_filed':
        push(customer, type, atMs, { category: 'fees' });
        break;
      case 'card_locked':
        push(customer, type, atMs, { cardId: `card${customer}`, reason: 'customer_request' });
        break;
      default:
        break;
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** The ingestion bench's stream (ingestion-http-bench.ts `body`): a login, a page view and two debit card payments in turn. */
function ingestionStream(options: Options): LoggedEvent[][] {
  const batches: LoggedEvent[][] = [];
  for (let n = 0; n < options.events; n++) {
    if (n % 500 === 0) batches.push([]);
    const customerId = `bench-c-${(n * 7919) % options.customers}`;
    const atMs = START + n;
    const base = { id: `bench-${n}`, customerId, occurredAt: new Date(atMs).toISOString(), occurredAtMs: atMs, receivedAtMs: atMs, source: 'bench' };
    const event = (
      n % 4 === 0
        ? { ...base, type: 'login', data: { channel: 'app' } }
        : n % 4 === 1
          ? { ...base, type: 'page_view', data: { channel: 'web', page: '/cards/credit' } }
          : { ...base, type: 'card_transaction', data: { cardId: `card-${customerId}`, product: 'debit_card', amount: (n % 250) + 0.99, currency: 'EUR', merchantCategory: '5411', channel: 'pos' } }
    ) as CustomerEvent;
    batches[batches.length - 1].push({ partition: 0, offset: n, event });
  }
  return batches;
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** CPU µs per event of the trigger engine alone, with the 20-trigger ingestion document; three runs, best kept. */
function benchEngine(options: Options): void {
  const triggers = compileTriggerSet(benchTriggerDocument(20), { registry });
  const batches = ingestionStream(options);
  const events = batches.reduce((n, b) => n + b.length, 0);
  console.log(`engine only: ${triggers.triggers.length} triggers of the ingestion bench; ${events.toLocaleString('en-US')} events of ${options.customers.toLocaleString('en-US')} customers`);
  for (let run = 1; run <= 3; run++) {
    gc();
    const store = new PartitionProfileStore({ partition: 0, registry });
    const engine = new TriggerEngine({ partition: 0, triggers, registry, timers: new InMemoryTimerStore(), profiles: (id) => profileOf(store, id), defaultTimeZone: 'Europe/Berlin' });
    const digest = createHash('sha256');
    let fires = 0;
    let engineCpu = 0;
    let profileCpu = 0;
    let batchesSinceTick = 0;
    for (const batch of batches) {
      let t = cpuMicros();
      for (const record of batch) store.apply(record);
      profileCpu += cpuMicros() - t;
      t = cpuMicros();
      const fired = engine.onApplied(batch, store);
      // The worker ticks once a second (tickEveryMs): every 30,000 events at the 30,000 events/s of issue 6 §8.
      const ticked = ++batchesSinceTick === 60 ? engine.onTick(batch[batch.length - 1].event.occurredAtMs) : [];
      if (batchesSinceTick === 60) batchesSinceTick = 0;
      engineCpu += cpuMicros() - t;
      for (const fire of [...fired, ...ticked]) digest.update(`${fire.triggerId} ${fire.occasionId} ${fire.firedAtMs}\n`);
      fires += fired.length + ticked.length;
    }
    digest.update(JSON.stringify(engine.snapshot()));
    console.log(
      `  run ${run}: triggers ${(engineCpu / events).toFixed(2)} µs/event CPU, profile ${(profileCpu / events).toFixed(2)} µs/event; fires ${fires.toLocaleString('en-US')}, digest of fires and snapshot ${digest.digest('hex').slice(0, 16)}`,
    );
  }
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  if (options.engineOnly) return benchEngine(options);
  const triggers = compileTriggerSet(twentyTriggers(), { registry });
  console.log(`triggers: ${triggers.triggers.length} (${[...new Set(triggers.triggers.map((t) => t.kind))].join(', ')}); customers ${options.customers.toLocaleString('en-US')}`);
  const batches = generate(options);
  const events = batches.reduce((n, b) => n + b.length, 0);
  console.log(`events: ${events.toLocaleString('en-US')} over 30 simulated days, batches of 500`);

  gc();
  let started = performance.now();
  const profileOnly = new PartitionProfileStore({ partition: 0, registry });
  for (const batch of batches) for (const record of batch) profileOnly.apply(record);
  const profileMs = performance.now() - started;
  console.log(`profile only:        ${rate(events, profileMs)} (${profileMs.toFixed(0)} ms)`);

  gc();
  const store = new PartitionProfileStore({ partition: 0, registry });
  const timers = new InMemoryTimerStore();
  const engine = new TriggerEngine({ partition: 0, triggers, registry, timers, profiles: (id) => profileOf(store, id), defaultTimeZone: 'Europe/Berlin' });
  const fired = new Map<string, number>();
  const count = (fires: readonly FiredTrigger[]) => {
    for (const fire of fires) fired.set(fire.triggerId, (fired.get(fire.triggerId) ?? 0) + 1);
  };
  let lastTick = START - DAY;
  started = performance.now();
  for (const batch of batches) {
    for (const record of batch) store.apply(record);
    count(engine.onApplied(batch, store));
    const now = batch[batch.length - 1].event.occurredAtMs;
    if (now - lastTick >= 60_000) {
      count(engine.onTick(now));
      lastTick = now;
    }
  }
  const bothMs = performance.now() - started;
  console.log(`profile + triggers:  ${rate(events, bothMs)} (${bothMs.toFixed(0)} ms; triggers add ${(((bothMs - profileMs) / events) * 1e6).toFixed(0)} ns/event)`);
  const stats = engine.stats();
  console.log(`  evaluated by at least one trigger: ${stats.eventsEvaluated.toLocaleString('en-US')}; pending timers ${stats.pendingTimers.toLocaleString('en-US')}`);
  console.log(`  fires: ${[...fired].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, n]) => `${id}=${n}`).join(' ')}`);

  gc();
  const fresh = new TriggerEngine({ partition: 0, triggers, registry, timers: new InMemoryTimerStore(), profiles: (id) => profileOf(store, id), defaultTimeZone: 'Europe/Berlin' });
  started = performance.now();
  for (const batch of batches) fresh.onApplied(batch, store);
  const triggersMs = performance.now() - started;
  console.log(`triggers only:       ${rate(events, triggersMs)} (${triggersMs.toFixed(0)} ms, profiles already folded)`);
  const snapshotStarted = performance.now();
  const snapshotBytes = Buffer.byteLength(JSON.stringify(engine.snapshot())) + timers.encode(0).length;
  console.log(`trigger snapshot:    ${(snapshotBytes / 1e6).toFixed(1)} MB in ${(performance.now() - snapshotStarted).toFixed(0)} ms`);

  benchDecisions(options, store, engine, lastTick);
}

function benchDecisions(options: Options, store: PartitionProfileStore, engine: TriggerEngine, nowMs: number): void {
  const catalog = loadActionCatalogFile(undefined, { isFeature: (name) => registry.has(name) });
  const next = random(options.seed + 1);
  const channels: DecisionChannel[][] = [['ivr'], ['app'], ['push', 'email'], ['email'], ['call_center']];
  const consent = {
    may: () => next() < 0.7,
    objectsTo: () => false,
    snapshot: () => ({ asOfOffset: 0, grants: [], objections: [] }),
  };
  const inputsFor = (customerId: string): DecisionInputs => {
    const state = profileOf(store, customerId);
    return {
      features: profileFeatureSource(registry, state, nowMs, () => 0),
      stateOffset: state ? profileAttributes(state).lastOffset : -1,
      timeZone: 'Europe/Berlin',
      consent,
      scores: { churn: { score: next(), version: '1', stage: 'production' }, 'propensity-credit-card': { score: next() * 0.3, version: '1', stage: 'production' } },
      triggers: engine.recentFires(customerId, nowMs),
      contacts: [],
      content: () => '1',
      campaigns: () => undefined,
    };
  };
  const latencies = new Float64Array(options.decisions);
  let ranked = 0;
  gc();
  const started = performance.now();
  for (let i = 0; i < options.decisions; i++) {
    const customerId = `c${Math.floor(next() * options.customers)}`;
    const t = performance.now();
    const outcome = decide(catalog, { decisionId: `d${i}`, customerId, channels: channels[i % channels.length], nowMs }, inputsFor(customerId));
    latencies[i] = performance.now() - t;
    ranked += outcome.actions.length;
  }
  const decideMs = performance.now() - started;
  latencies.sort();
  console.log(`decisions:           ${rate(options.decisions, decideMs)} (${(ranked / options.decisions).toFixed(2)} actions each; seed catalog, ${catalog.actions.length} actions)`);
  console.log(`  latency p50 ${(percentile(latencies, 0.5) * 1000).toFixed(0)} µs, p99 ${(percentile(latencies, 0.99) * 1000).toFixed(0)} µs, p99.9 ${(percentile(latencies, 0.999) * 1000).toFixed(0)} µs, max ${latencies[latencies.length - 1].toFixed(2)} ms`);

  const actor = { type: 'component' as const, component: 'decisioning', version: 'bench' };
  let bytes = 0;
  const withAudit = performance.now();
  for (let i = 0; i < options.decisions; i++) {
    const customerId = `c${Math.floor(next() * options.customers)}`;
    const outcome = decide(catalog, { decisionId: `a${i}`, customerId, channels: channels[i % channels.length], nowMs }, inputsFor(customerId));
    bytes += JSON.stringify(decisionAuditDraft(outcome, actor)).length;
  }
  const auditMs = performance.now() - withAudit;
  console.log(`decisions + audit draft as JSON: ${rate(options.decisions, auditMs)} (${Math.round(bytes / options.decisions)} bytes per record)`);
}

main();
