/**
 * Scoring benchmark: the three shipped model families (models/churn, models/activity, models/propensity).
 *
 *   node -r @swc-node/register tools/bench/scoring.bench.ts [--customers 3000] [--iterations 20000] [--batch 200000]
 *
 * - in-process single-customer scoring as the decision path does it: read the signature's features from a
 *   folded profile (PartitionProfileStore), encode, run, calibrate — with and without explanations (integrated
 *   gradients + reason codes) — p50/p99/max per call, per family and for all three families in one decision;
 * - batch scoring throughput: customers/s for already read features (encode + model + calibration) and for a whole
 *   segment read from the profile store;
 * - the same on the TF.js path (what a model that cannot be compiled to plain JS would cost);
 * - training time, parameters and artifact size from the model cards.
 * Latencies are wall-clock on a shared 2-core machine: CPU seconds are reported beside throughput for that reason.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BankSimulation } from '@kairos/simulator';
import { partitionForCustomer } from '@kairos/contracts';
import { PartitionProfileStore, ProfileState } from '@kairos/profile';
import {
  FeatureVectorEncoder,
  ModelCard,
  ModelScorer,
  TfjsLayersRunner,
  encodeSegmentFeatures,
  layersModelFiles,
  parseModelCard,
  parseInstantMs,
  prepareTensorflow,
  readSignatureFeatures,
  scoringFeatureRegistry,
  signatureFeatureNames,
  storeFeatureRows,
} from '@kairos/scoring';

const ROOT = join(__dirname, '..', '..');
const FAMILIES = ['churn', 'activity', 'propensity'] as const;
/** Customers encoded and scored per model call when a segment is read column by column. */
const SEGMENT_CHUNK = 4096;

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Microseconds per call of `run(i)`, after a warm-up. */
function latency(iterations: number, run: (i: number) => void): Latency {
  for (let i = 0; i < Math.min(2000, iterations); i++) run(i);
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    run(i);
    samples[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  samples.sort();
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), max: samples[samples.length - 1] };
}

/** Items per wall second and per CPU second of this process, over repeated runs of at least a second after a warm-up. */
function throughput(items: number, run: () => void): { perSecond: number; perCpuSecond: number } {
  run();
  run();
  const cpu = process.cpuUsage();
  const start = performance.now();
  let runs = 0;
  do {
    run();
    runs++;
  } while (performance.now() - start < 1000);
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: (items * runs) / seconds, perCpuSecond: (items * runs) / ((used.user + used.system) / 1e6) };
}

async function loadScorer(family: string, compileDense = true): Promise<ModelScorer> {
  const dir = join(ROOT, 'models', family);
  const card = parseModelCard(JSON.parse(readFileSync(join(dir, 'model-card.json'), 'utf8')));
  return new ModelScorer(card, await TfjsLayersRunner.load(layersModelFiles(join(dir, 'artifact')), { compileDense }));
}

function foldPopulation(customers: number): { stores: PartitionProfileStore[]; states: ProfileState[]; nowMs: number } {
  const registry = scoringFeatureRegistry();
  const partitions = 4;
  const stores = Array.from({ length: partitions }, (_, partition) => new PartitionProfileStore({ partition, registry }));
  const offsets = new Array<number>(partitions).fill(0);
  const simulation = new BankSimulation({ seed: 77, customers, days: 100, startDate: '2026-06-01' });
  for (const event of simulation.events()) {
    if (!event.customerId) continue;
    const partition = partitionForCustomer(event.customerId, partitions);
    const atMs = parseInstantMs(event.occurredAt);
    stores[partition].apply({ partition, offset: offsets[partition]++, event: { ...event, customerId: event.customerId, occurredAtMs: atMs, receivedAtMs: atMs } });
  }
  const states: ProfileState[] = [];
  for (const store of stores) for (let slot = 0; slot < store.size; slot++) states.push({ customerId: store.customerIdAt(slot), store, slot });
  return { stores, states, nowMs: simulation.options.endMs };
}

function row(cells: readonly (string | number)[], widths: readonly number[]): string {
  return cells.map((cell, i) => (typeof cell === 'number' ? cell.toFixed(cell >= 100 ? 0 : 1) : cell).padStart(i === 0 ? 0 : widths[i]).padEnd(i === 0 ? widths[0] : 0)).join('  ');
}

async function main(): Promise<void> {
  const customers = option('customers', 3000);
  const iterations = option('iterations', 20_000);
  const batchRows = option('batch', 200_000);
  const backend = await prepareTensorflow();
  const registry = scoringFeatureRegistry();
  const scorers = Object.fromEntries(await Promise.all(FAMILIES.map(async (f) => [f, await loadScorer(f)] as const))) as Record<(typeof FAMILIES)[number], ModelScorer>;
  const foldStart = performance.now();
  const { stores, states, nowMs } = foldPopulation(customers);
  console.log(`backend ${backend}; ${states.length} customers folded in ${((performance.now() - foldStart) / 1000).toFixed(1)} s; ${iterations} single scorings per case`);

  const single: [string, Latency][] = [];
  const singleCase = (label: string, scorer: ModelScorer, explain: boolean): void => {
    single.push([
      label,
      latency(iterations, (i) => {
        const state = states[i % states.length];
        scorer.scoreSync({ features: readSignatureFeatures(state, registry, scorer.card.signature, nowMs), asOfMs: nowMs }, { explain });
      }),
    ]);
  };
  for (const family of FAMILIES) {
    singleCase(`${family}: score`, scorers[family], false);
    singleCase(`${family}: score + explanation`, scorers[family], true);
  }
  const all = FAMILIES.map((f) => scorers[f]);
  const union = signatureFeatureNames(all.map((s) => s.card.signature));
  for (const explain of [false, true]) {
    single.push([
      `all three families${explain ? ' + explanations' : ''}`,
      latency(iterations, (i) => {
        const state = states[i % states.length];
        const features: Record<string, unknown> = {};
        for (const name of union) features[name] = registry.read(state, name, nowMs);
        for (const scorer of all) scorer.scoreSync({ features, asOfMs: nowMs }, { explain });
      }),
    ]);
  }
  const tfjsChurn = await loadScorer('churn', false);
  singleCase('churn on the TF.js path: score', tfjsChurn, false);
  singleCase('churn on the TF.js path: score + explanation', tfjsChurn, true);

  // Batch: features already read (e.g. exported or cached), repeated to `batchRows` customers.
  const featureRows = states.map((state) => {
    const features: Record<string, unknown> = {};
    for (const name of union) features[name] = registry.read(state, name, nowMs);
    return features;
  });
  const batch: [string, { perSecond: number; perCpuSecond: number }][] = [];
  const encodeAndScore = (label: string, scorer: ModelScorer): void => {
    const encoder = new FeatureVectorEncoder(scorer.card.signature);
    const chunk = 4096;
    const matrix = new Float32Array(chunk * encoder.width);
    batch.push([
      label,
      throughput(batchRows, () => {
        for (let start = 0; start < batchRows; start += chunk) {
          const rows = Math.min(chunk, batchRows - start);
          for (let r = 0; r < rows; r++) encoder.encodeInto(featureRows[(start + r) % featureRows.length], nowMs, matrix, r * encoder.width);
          scorer.scoreEncodedSync(matrix, rows);
        }
      }),
    ]);
  };
  for (const family of FAMILIES) encodeAndScore(`${family}: encode + score + calibrate`, scorers[family]);
  encodeAndScore('churn on the TF.js path: encode + score + calibrate', tfjsChurn);
  const segmentEncoders = all.map((s) => ({ scorer: s, encoder: new FeatureVectorEncoder(s.card.signature), matrix: new Float32Array(4096 * s.encoder.width) }));
  const columnTargets = all.map((s) => ({ scorer: s, encoder: s.encoder, matrix: new Float32Array(SEGMENT_CHUNK * s.encoder.width), refused: new Uint8Array(SEGMENT_CHUNK) }));
  batch.push([
    'segment from the profile store: column reads + all three families',
    throughput(states.length, () => {
      for (const store of stores) {
        const slots = Int32Array.from({ length: store.size }, (_, slot) => slot);
        for (let start = 0; start < slots.length; start += SEGMENT_CHUNK) {
          const chunk = slots.subarray(start, Math.min(slots.length, start + SEGMENT_CHUNK));
          encodeSegmentFeatures(store, chunk, nowMs, columnTargets);
          for (const t of columnTargets) t.scorer.scoreEncodedSync(t.matrix, chunk.length);
        }
      }
    }),
  ]);
  batch.push([
    'segment from the profile store: per-customer reads + all three families',
    throughput(states.length, () => {
      for (const store of stores) {
        let rows = 0;
        const flush = () => {
          for (const s of segmentEncoders) s.scorer.scoreEncodedSync(s.matrix, rows);
          rows = 0;
        };
        for (const { features } of storeFeatureRows(store, union, nowMs)) {
          for (const s of segmentEncoders) s.encoder.encodeInto(features, nowMs, s.matrix, rows * s.encoder.width);
          if (++rows === 4096) flush();
        }
        if (rows > 0) flush();
      }
    }),
  ]);

  console.log('\nIn-process single-customer scoring (µs per call, wall clock)');
  const w1 = [52, 9, 9, 9];
  console.log(row(['case', 'p50', 'p99', 'max'], w1));
  for (const [label, l] of single) console.log(row([label, l.p50, l.p99, l.max], w1));
  console.log('\nBatch scoring (customers per second)');
  const w2 = [60, 12, 14];
  console.log(row(['case', 'wall', 'per CPU s'], w2));
  for (const [label, t] of batch) console.log(row([label, t.perSecond, t.perCpuSecond], w2));
  console.log('\nModels (from the cards)');
  const w3 = [12, 10, 10, 14, 30];
  console.log(row(['model', 'params', 'bytes', 'training s', 'holdout AUC'], w3));
  for (const family of FAMILIES) {
    const card: ModelCard = scorers[family].card;
    const aucs = Object.entries(card.metrics?.holdout ?? {}).map(([name, m]) => `${name} ${m.auc?.toFixed(3)}`).join(', ');
    console.log(row([family, card.training?.parameters ?? 0, card.training?.artifactBytes ?? 0, card.training?.durationSeconds ?? 0, aucs], w3));
  }
  console.log(
    JSON.stringify({
      bench: 'scoring',
      backend,
      customers: states.length,
      single: Object.fromEntries(single.map(([label, l]) => [label, { p50Us: round(l.p50), p99Us: round(l.p99), maxUs: round(l.max) }])),
      batch: Object.fromEntries(batch.map(([label, t]) => [label, { perSecond: Math.round(t.perSecond), perCpuSecond: Math.round(t.perCpuSecond) }])),
      loadAverage: (await import('node:os')).loadavg()[0],
    }),
  );
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
