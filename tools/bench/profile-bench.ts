import { seededRandom as random } from '@kairos/random';
/**
 * Profile store benchmark: folds a synthetic, seeded event stream for N customers and reports memory per customer,
 * single-core fold throughput, GC pauses, feature read throughput and snapshot size/speed.
 *
 *   node --expose-gc --max-old-space-size=8192 -r @swc-node/register tools/bench/profile-bench.ts \
 *     [--customers 1000000] [--events-per-customer 20] [--partitions 4] [--days 45] [--seed 42] [--no-snapshot]
 *
 * Memory is the growth of V8 heap + external (typed array) memory from before the stores exist to after the fold,
 * both measured after forced full GCs, divided by the number of customers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, constants as perfConstants, performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { CustomerEvent, EventType, LoggedEvent } from '@kairos/contracts';
import { FeatureRegistry, PartitionProfileStore, ProfileState, ProfileStoreFootprint, decodeSnapshot, defaultFeatureRegistry, encodeSnapshot, profileOf } from '@kairos/profile';

interface Options {
  customers: number;
  eventsPerCustomer: number;
  partitions: number;
  days: number;
  seed: number;
  snapshot: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { customers: 1_000_000, eventsPerCustomer: 20, partitions: 4, days: 45, seed: 42, snapshot: true };
  for (let i = 0; i < argv.length; i++) {
    const next = () => Number(argv[++i]);
    switch (argv[i]) {
      case '--customers':
        options.customers = next();
        break;
      case '--events-per-customer':
        options.eventsPerCustomer = next();
        break;
      case '--partitions':
        options.partitions = next();
        break;
      case '--days':
        options.days = next();
        break;
      case '--seed':
        options.seed = next();
        break;
      case '--no-snapshot':
        options.snapshot = false;
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return options;
}

const DAY_MS = 86_400_000;
const MCC = ['5411', '5812', '5541', '4111', '5732', '5999', '7011', '5311', '5912', '5651', '5814', '4121'];
const PAGES = ['/', '/cards', '/cards/credit', '/loans', '/accounts/overview', '/help/pin', '/savings'];
/** Behavioural mix, roughly a retail bank's traffic. */
const MIX: readonly [EventType, number][] = [
  ['page_view', 30],
  ['card_transaction', 28],
  ['login', 14],
  ['balance_changed', 8],
  ['message_delivered', 6],
  ['message_opened', 4],
  ['message_clicked', 2],
  ['call_started', 2],
  ['atm_pin_failed', 2],
  ['card_locked', 1],
  ['card_unlocked', 1],
  ['complaint_filed', 1],
  ['product_closed', 1],
];
const MIX_TOTAL = MIX.reduce((total, [, weight]) => total + weight, 0);

class SyntheticBank {
  private readonly next: () => number;
  private sequence = 0;

  constructor(
    seed: number,
    private readonly options: Options,
    private readonly startMs: number,
  ) {
    this.next = random(seed);
  }

  customerId(index: number): string {
    return flat(`c-${String(index).padStart(10, '0')}`);
  }

  /** Registration and products, dated before the behavioural period. */
  onboarding(index: number): CustomerEvent[] {
    const customerId = this.customerId(index);
    const at = this.startMs - Math.floor(this.next() * 3 * 365 * DAY_MS);
    const year = 1940 + Math.floor(this.next() * 66);
    const events = [
      this.event(customerId, 'customer_registered', at, {
        birthDate: `${year}-${String(1 + Math.floor(this.next() * 12)).padStart(2, '0')}-${String(1 + Math.floor(this.next() * 28)).padStart(2, '0')}`,
        country: this.next() < 0.9 ? 'DE' : 'AT',
        language: this.next() < 0.85 ? 'de' : 'en',
        timeZone: 'Europe/Berlin',
      }),
      this.event(customerId, 'product_opened', at + 1000, { product: 'checking_account', productId: flat(`${customerId}-ca`) }),
      this.event(customerId, 'product_opened', at + 2000, { product: 'debit_card', productId: flat(`${customerId}-dc`) }),
    ];
    if (holdsCreditCard(index)) events.push(this.event(customerId, 'product_opened', at + 3000, { product: 'credit_card', productId: flat(`${customerId}-cc`), limit: 1000 + Math.floor(this.next() * 9) * 500 }));
    return events;
  }

  /** One behavioural event of a random customer around `clockMs` (a few are up to an hour late). */
  behaviour(clockMs: number): CustomerEvent {
    const index = Math.floor(this.next() * this.options.customers);
    const customerId = this.customerId(index);
    const at = this.next() < 0.05 ? clockMs - Math.floor(this.next() * 3_600_000) : clockMs;
    let pick = this.next() * MIX_TOTAL;
    let type: EventType = 'page_view';
    for (const [candidate, weight] of MIX) {
      pick -= weight;
      if (pick < 0) {
        type = candidate;
        break;
      }
    }
    const credit = holdsCreditCard(index) && this.next() < 0.6;
    const cardId = flat(`${customerId}-${credit ? 'kc' : 'kd'}`);
    switch (type) {
      case 'page_view':
        return this.event(customerId, type, at, { channel: this.next() < 0.6 ? 'app' : 'web', page: PAGES[Math.floor(this.next() * PAGES.length)] });
      case 'card_transaction':
        return this.event(customerId, type, at, {
          cardId,
          product: credit ? 'credit_card' : 'debit_card',
          amount: Math.round(this.next() * 20_000) / 100,
          currency: this.next() < 0.95 ? 'EUR' : 'USD',
          merchantCategory: MCC[Math.floor(this.next() * MCC.length)],
          channel: this.next() < 0.5 ? 'pos' : 'contactless',
        });
      case 'login':
        return this.event(customerId, type, at, { channel: this.next() < 0.7 ? 'app' : 'web' });
      case 'balance_changed':
        return credit
          ? this.event(customerId, type, at, { product: 'credit_card', productId: flat(`${customerId}-cc`), balance: -Math.round(this.next() * 300_000) / 100 })
          : this.event(customerId, type, at, { product: 'checking_account', productId: flat(`${customerId}-ca`), balance: Math.round(this.next() * 1_000_000) / 100 - 500 });
      case 'atm_pin_failed':
        return this.event(customerId, type, at, { cardId, atmId: 'atm-17' });
      case 'card_locked':
        return this.event(customerId, type, at, { cardId, reason: 'pin_attempts_exceeded' });
      case 'card_unlocked':
        return this.event(customerId, type, at, { cardId, via: 'ivr' });
      case 'call_started':
        return this.event(customerId, type, at, { channel: 'ivr' });
      case 'complaint_filed':
        return this.event(customerId, type, at, { category: 'fees' });
      case 'product_closed':
        return this.event(customerId, type, at, { product: 'debit_card', productId: flat(`${customerId}-dc`) });
      default:
        return this.event(customerId, type, at, { messageId: `m-${Math.floor(this.next() * 40)}`, actionId: 'a-1', variantId: 'v-1' });
    }
  }

  private event(customerId: string, type: EventType, occurredAtMs: number, data: unknown): CustomerEvent {
    return { id: this.uuid(), type, customerId, occurredAt: '', occurredAtMs, receivedAtMs: occurredAtMs, source: 'bench', data } as CustomerEvent;
  }

  /** A v4-shaped id: event ids in production are UUIDs, and the profile keeps the last one per customer. */
  private uuid(): string {
    const hex = (n: number) => Math.floor(this.next() * 16 ** n).toString(16).padStart(n, '0');
    this.sequence++;
    return flat(`${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(6)}${hex(6)}`);
  }
}

const codes: number[] = [];
/**
 * A flat copy of `text`. Template literals build rope strings (several heap objects); events decoded from the log
 * with JSON.parse carry flat strings, so the bench must too or it would measure its own ropes.
 */
function flat(text: string): string {
  codes.length = text.length;
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  return String.fromCharCode.apply(null, codes);
}

/** Half the customers hold a credit card; only they pay with one or get its balance. */
function holdsCreditCard(index: number): boolean {
  return (Math.imul(index, 0x9e3779b1) >>> 31) === 1;
}

/** Customer → partition for the bench: any spread works, the stores only need a fixed assignment. */
function partitionOf(customerId: string, partitions: number): number {
  let hash = 0;
  for (let i = 0; i < customerId.length; i++) hash = (Math.imul(hash, 31) + customerId.charCodeAt(i)) | 0;
  return (hash >>> 0) % partitions;
}

/** Full collections, with a pause between so array-buffer memory freed on background threads is returned. */
async function fullGc(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
}

function memory(): { heap: number; external: number } {
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, external: usage.external };
}

const MIB = 1024 * 1024;
/** Records per fold batch, about one Kafka fetch. */
const BATCH = 2_000;
const format = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Child mode: restore every snapshot of `directory` and report time and memory per customer. */
async function restore(directory: string, customers: number): Promise<void> {
  const registry = defaultFeatureRegistry();
  const files = readdirSync(directory).filter((name) => name.endsWith('.snapshot'));
  await fullGc();
  const before = memory();
  const { stores, decodeSeconds } = restoreAll(directory, files, registry);
  await fullGc();
  const after = memory();
  const restored = stores.reduce((total, store) => total + store.size, 0);
  const footprint = breakdown(stores);
  const lines = [
    `restore (fresh process)  ${format(restored)} customers from ${files.length} snapshots in ${format(decodeSeconds, 2)} s (decode only)`,
    `memory after restore     ${format((after.heap - before.heap + after.external - before.external) / customers)} B per customer (V8 heap ${format((after.heap - before.heap) / customers)} B): what a restarted worker holds`,
    `  typed arrays           id index ${format(footprint.indexBytes / customers)} B, rows ${format(footprint.rowBytes / customers)} B, products+cards ${format(footprint.holdingBytes / customers)} B, window buckets ${format(footprint.seriesBytes / customers)} B, distinct sets ${format(footprint.setBytes / customers)} B per customer`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Synchronous on purpose: a suspended async function keeps its registers, so a snapshot buffer decoded inside one
 * would stay reachable and be counted as profile memory.
 */
function restoreAll(directory: string, files: readonly string[], registry: FeatureRegistry): { stores: PartitionProfileStore[]; decodeSeconds: number } {
  const stores: PartitionProfileStore[] = [];
  let decodeSeconds = 0;
  for (const file of files) {
    const bytes = readFileSync(join(directory, file));
    const started = process.hrtime.bigint();
    stores.push(decodeSnapshot(bytes, registry));
    decodeSeconds += Number(process.hrtime.bigint() - started) / 1e9;
  }
  return { stores, decodeSeconds };
}

async function main(): Promise<void> {
  const restoreAt = process.argv.indexOf('--restore-from');
  if (restoreAt >= 0) return restore(process.argv[restoreAt + 1], Number(process.argv[process.argv.indexOf('--customers') + 1]));
  const options = parseOptions(process.argv.slice(2));
  const registry = defaultFeatureRegistry();
  const startMs = Date.UTC(2024, 0, 1);

  const gcPauses: { kind: number; duration: number; startTime: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcPauses.push({ kind: (entry as unknown as { detail: { kind: number } }).detail.kind, duration: entry.duration, startTime: entry.startTime });
  });
  observer.observe({ entryTypes: ['gc'] });

  await fullGc();
  const before = memory();
  const stores = Array.from({ length: options.partitions }, (_, partition) => new PartitionProfileStore({ partition, registry }));
  const offsets = new Array<number>(options.partitions).fill(0);
  const bank = new SyntheticBank(options.seed, options, startMs);

  let foldNs = 0n;
  let foldCpuMicros = 0;
  let folded = 0;
  const batch: LoggedEvent[] = [];
  const flush = () => {
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    for (let i = 0; i < batch.length; i++) stores[batch[i].partition].apply(batch[i]);
    const used = process.cpuUsage(cpu);
    foldCpuMicros += used.user + used.system;
    foldNs += process.hrtime.bigint() - started;
    folded += batch.length;
    batch.length = 0;
  };
  /** Returns true when a batch was folded: the caller then yields to the event loop, as a worker does between batches. */
  const push = (event: CustomerEvent): boolean => {
    const partition = partitionOf(event.customerId, options.partitions);
    batch.push({ partition, offset: offsets[partition]++, event });
    if (batch.length < BATCH) return false;
    flush();
    return true;
  };

  const wallStart = Date.now();
  const foldPhaseStart = performance.now();
  let onboardingEvents = 0;
  for (let index = 0; index < options.customers; index++) {
    for (const event of bank.onboarding(index)) {
      if (push(event)) await yieldToLoop();
      onboardingEvents++;
    }
  }
  const behaviouralEvents = Math.max(0, options.customers * options.eventsPerCustomer - onboardingEvents);
  const spanMs = options.days * DAY_MS;
  for (let i = 0; i < behaviouralEvents; i++) {
    if (push(bank.behaviour(startMs + Math.floor((i / behaviouralEvents) * spanMs)))) await yieldToLoop();
  }
  flush();
  const wallMs = Date.now() - wallStart;
  await yieldToLoop();
  const foldPhaseEnd = performance.now();

  await fullGc();
  const afterFold = memory();
  const compactStart = process.hrtime.bigint();
  for (const store of stores) store.compact();
  const compactSeconds = Number(process.hrtime.bigint() - compactStart) / 1e9;
  await fullGc();
  const afterCompact = memory();

  const foldSeconds = Number(foldNs) / 1e9;
  // Only collections during the fold count: the forced full GCs for the memory measurement are not organic.
  const organic = gcPauses.filter((pause) => pause.startTime >= foldPhaseStart && pause.startTime < foldPhaseEnd);
  observer.disconnect();
  const major = organic.filter((pause) => pause.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR);
  const maxPause = organic.reduce((max, pause) => Math.max(max, pause.duration), 0);
  const p99Pause = organic.map((pause) => pause.duration).sort((a, b) => a - b)[Math.floor(organic.length * 0.99)] ?? 0;
  const perCustomer = (sample: { heap: number; external: number }) => (sample.heap - before.heap + sample.external - before.external) / options.customers;
  const lines = [
    `profile bench — ${format(options.customers)} customers, ${options.partitions} partition store(s), ${options.eventsPerCustomer} events per customer, seed ${options.seed}, node ${process.version}`,
    `events folded            ${format(folded)} (${format(onboardingEvents)} onboarding + ${format(behaviouralEvents)} behavioural over ${options.days} days)`,
    `fold throughput          ${format(folded / foldSeconds)} events/s single core by wall clock (fold only ${format(foldSeconds, 2)} s); ${format(folded / (foldCpuMicros / 1e6))} events/s by process CPU time`,
    `                         wall incl. generation ${format(wallMs / 1000, 1)} s; load average at end ${os.loadavg().map((load) => load.toFixed(1)).join(' ')} on ${os.cpus().length} cores`,
    `GC pauses during fold    max ${format(maxPause, 1)} ms, p99 ${format(p99Pause, 1)} ms over ${organic.length} collections (${major.length} major, max major ${format(major.reduce((max, p) => Math.max(max, p.duration), 0), 1)} ms)`,
    `memory per customer      ${format(perCustomer(afterFold))} B straight after the fold (V8 heap ${format((afterFold.heap - before.heap) / options.customers)} B, rest typed arrays)`,
    `                         ${format(perCustomer(afterCompact))} B after compact() (took ${format(compactSeconds, 2)} s for all stores)`,
  ];

  const footprint = breakdown(stores);
  lines.push(
    `  typed arrays           id index ${format(footprint.indexBytes / options.customers)} B, rows ${format(footprint.rowBytes / options.customers)} B, products+cards ${format(footprint.holdingBytes / options.customers)} B, window buckets ${format(footprint.seriesBytes / options.customers)} B, distinct sets ${format(footprint.setBytes / options.customers)} B per customer`,
    `  process                heap used ${format(afterCompact.heap / MIB)} MiB, external ${format(afterCompact.external / MIB)} MiB, rss ${format(process.memoryUsage().rss / MIB)} MiB`,
  );

  if (options.snapshot) {
    // Snapshots go to files and a fresh process restores them: the memory a restarted worker holds, undisturbed
    // by this process's own garbage.
    const directory = mkdtempSync(join(tmpdir(), 'kairos-profile-bench-'));
    try {
      let encodeSeconds = 0;
      let snapshotBytes = 0;
      for (const store of stores) {
        const started = process.hrtime.bigint();
        const bytes = encodeSnapshot(store);
        encodeSeconds += Number(process.hrtime.bigint() - started) / 1e9;
        snapshotBytes += bytes.length;
        writeFileSync(join(directory, `partition-${store.partition}.snapshot`), bytes);
      }
      lines.push(`snapshot (binary)        ${format(snapshotBytes / MIB, 1)} MiB for all customers (${format(snapshotBytes / options.customers)} B/customer); encode ${format(encodeSeconds, 2)} s`);
      const started = process.hrtime.bigint();
      const deflated = encodeSnapshot(stores[0], { compress: true });
      const deflateSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const inflateStart = process.hrtime.bigint();
      decodeSnapshot(deflated, registry);
      const inflateSeconds = Number(process.hrtime.bigint() - inflateStart) / 1e9;
      lines.push(`snapshot (deflate)       ${format(deflated.length / stores[0].size)} B/customer on partition 0 (${format(stores[0].size)} customers); encode ${format(deflateSeconds, 2)} s, decode ${format(inflateSeconds, 2)} s`);
      const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--restore-from', directory, '--customers', String(options.customers)], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`restore process failed: ${child.stderr}`);
      lines.push(child.stdout.trimEnd());
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }

  // Reads as decisions make them: one feature, and every feature (readAll), of a random customer as of now.
  const readRandom = random(options.seed + 1);
  const nowMs = startMs + spanMs;
  let checksum = 0;
  const timeReads = (count: number, read: (state: ProfileState) => void) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      const customerId = bank.customerId(Math.floor(readRandom() * options.customers));
      const state = profileOf(stores[partitionOf(customerId, options.partitions)], customerId);
      if (state) read(state);
    }
    return count / (Number(process.hrtime.bigint() - started) / 1e9);
  };
  const single = timeReads(200_000, (state) => (checksum += registry.read(state, 'card_transactions_count_30d', nowMs) as number));
  const all = timeReads(50_000, (state) => (checksum += Object.keys(registry.readAll(state, nowMs)).length));
  lines.push(`feature reads            ${format(single)} single-feature reads/s, ${format(all)} readAll/s (${registry.names.length} features; checksum ${checksum})`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

function breakdown(stores: readonly PartitionProfileStore[]): ProfileStoreFootprint {
  return stores
    .map((store) => store.footprint())
    .reduce((sum, part) => ({
      indexBytes: sum.indexBytes + part.indexBytes,
      rowBytes: sum.rowBytes + part.rowBytes,
      holdingBytes: sum.holdingBytes + part.holdingBytes,
      seriesBytes: sum.seriesBytes + part.seriesBytes,
      setBytes: sum.setBytes + part.setBytes,
    }));
}

void main();
