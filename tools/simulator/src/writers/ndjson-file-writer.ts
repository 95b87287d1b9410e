import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EVENT_CATALOG_VERSION, IncomingEvent } from '@kairos/contracts';
import type { BankSimulation } from '../simulation/bank-simulation';

export interface SimulationFiles {
  readonly eventsFile: string;
  readonly labelsFile: string;
  readonly customersFile: string;
  readonly manifestFile: string;
  readonly events: number;
  readonly customers: number;
  readonly eventsByType: Readonly<Record<string, number>>;
}

/** Lines are written in slices of this many records, bounding the size of each string handed to the stream. */
const LINES_PER_WRITE = 5_000;

/**
 * Writes a simulation as NDJSON: `events.ndjson` (sorted by occurredAt), `labels.ndjson`, `customers.ndjson` and
 * a `manifest.json` with the options and counts. Streams day by day, so memory stays at one day of events; the
 * files contain nothing run-dependent (no wall-clock time), so the same options give byte-identical files.
 */
export async function writeSimulationFiles(simulation: BankSimulation, outDir: string): Promise<SimulationFiles> {
  await mkdir(outDir, { recursive: true });
  const eventsFile = join(outDir, 'events.ndjson');
  const labelsFile = join(outDir, 'labels.ndjson');
  const customersFile = join(outDir, 'customers.ndjson');
  const manifestFile = join(outDir, 'manifest.json');

  const eventsByType: Record<string, number> = {};
  let events = 0;
  await writeNdjson(eventsFile, countingBatches(simulation.eventBatches(), (batch) => {
    events += batch.length;
    for (const event of batch) eventsByType[event.type] = (eventsByType[event.type] ?? 0) + 1;
  }));
  await writeNdjson(labelsFile, [simulation.labels()]);
  await writeNdjson(customersFile, [simulation.customers]);

  const { startMs: _startMs, endMs: _endMs, observationMs: _observationMs, labelWindowEndMs: _windowEndMs, ...options } = simulation.options;
  const manifest = {
    generator: '@kairos/simulator',
    eventCatalogVersion: EVENT_CATALOG_VERSION,
    options,
    files: { events: 'events.ndjson', labels: 'labels.ndjson', customers: 'customers.ndjson' },
    counts: { customers: simulation.customers.length, events, eventsByType: sortedKeys(eventsByType) },
  };
  await writeFile(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { eventsFile, labelsFile, customersFile, manifestFile, events, customers: simulation.customers.length, eventsByType };
}

/** Writes batches of records as one JSON document per line, honouring the stream's backpressure. */
export async function writeNdjson(path: string, batches: Iterable<readonly unknown[]>): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const closed = once(out, 'close');
  // Awaited below; this only keeps an early stream error from surfacing as an unhandled rejection meanwhile.
  closed.catch(() => undefined);
  try {
    for (const batch of batches) {
      for (let from = 0; from < batch.length; from += LINES_PER_WRITE) {
        let chunk = '';
        const to = Math.min(batch.length, from + LINES_PER_WRITE);
        for (let i = from; i < to; i++) chunk += `${JSON.stringify(batch[i])}\n`;
        if (!out.write(chunk)) await once(out, 'drain');
      }
    }
  } finally {
    out.end();
  }
  await closed;
}

function* countingBatches(
  batches: Iterable<IncomingEvent[]>,
  onBatch: (batch: readonly IncomingEvent[]) => void,
): Generator<IncomingEvent[], void, undefined> {
  for (const batch of batches) {
    onBatch(batch);
    yield batch;
  }
}

function sortedKeys(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
