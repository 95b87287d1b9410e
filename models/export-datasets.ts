/**
 * Exports point-in-time training data as NDJSON for data scientists who train elsewhere (Python, R, ...):
 *
 *   node -r @swc-node/register models/export-datasets.ts --out ./tmp/datasets [--seed 1001] [--customers 5000]
 *        [--days 210] [--start 2025-01-06] [--cutoff-days 90,120,150,180]
 *
 * Writes `rows.ndjson` (one customer at one cutoff per line: features as the profile API shows them, segments for
 * evaluation, labels; null = not applicable or not observed) and `manifest.json` (the simulation, the cutoffs, each
 * feature's definition and purposes, the labels and the registry fingerprint a model trained on it must match).
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildPointInTimeDataset, scoringFeatureRegistry, writeDatasetNdjson } from '@kairos/scoring';
import { BankSimulation } from '@kairos/simulator';
import { LABELS, LABEL_DESCRIPTIONS } from './shared/simulated-bank-datasets';
import { runFromCommandLine } from './shared/train-and-save';

const DAY_MS = 86_400_000;

function argument(name: string, fallback?: string): string {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? process.argv[at + 1] : fallback;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const out = resolve(argument('out'));
  const seed = Number(argument('seed', '1001'));
  const customers = Number(argument('customers', '5000'));
  const days = Number(argument('days', '210'));
  const startDate = argument('start', '2025-01-06');
  const cutoffDays = argument('cutoff-days', '90,120,150,180').split(',').map(Number);
  const registry = scoringFeatureRegistry();
  const simulation = new BankSimulation({ seed, customers, days, startDate });
  const cutoffs = cutoffDays.map((day) => simulation.options.startMs + day * DAY_MS);
  const started = performance.now();
  const dataset = buildPointInTimeDataset(simulation.events(), { registry, cutoffs, labels: LABELS, observedUntilMs: simulation.options.endMs });
  const rows = await writeDatasetNdjson(dataset.rows, registry, join(out, 'rows.ndjson'));
  const manifest = {
    simulation: { seed, customers, days, startDate },
    cutoffs: cutoffs.map((ms) => new Date(ms).toISOString()),
    rows,
    eventsFolded: dataset.eventsFolded,
    registryFingerprint: registry.fingerprint,
    features: registry.definitions,
    labels: Object.fromEntries(dataset.labelNames.map((name) => [name, LABEL_DESCRIPTIONS[name] ?? name])),
    note: 'Features are read 1 ms before each cutoff from profiles folded with only the events known by then; labels come from the window after it. Segments (age band) are for evaluation and fairness checks, never model inputs.',
  };
  await writeFile(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  process.stdout.write(`${rows} rows from ${dataset.eventsFolded} events in ${((performance.now() - started) / 1000).toFixed(1)} s → ${out}\n`);
}

if (require.main === module) runFromCommandLine(main);
