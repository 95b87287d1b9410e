import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { FeatureRegistry, FeatureValue } from '@kairos/profile';
import { KairosError } from '@kairos/contracts';
import type { DatasetRow } from './point-in-time-dataset';
import { AGE_BANDS, AgeBand } from './dataset-segments';
import { parseInstantMs } from './instant-parser';

/**
 * One dataset row as a JSON line for data scientists: features as `GET /v1/customers/{id}/profile` shows them
 * (timestamps as ISO-8601), the cutoff and as-of instant, segments (for evaluation only) and labels (null = not
 * applicable or not observed). Customer ids are the pseudonymous ids of the log.
 */
export interface DatasetLine {
  readonly customerId: string;
  readonly cutoff: string;
  readonly asOf: string;
  readonly features: Record<string, Exclude<FeatureValue, readonly string[]> | string[]>;
  readonly segments: { readonly ageBand: AgeBand };
  readonly labels: Record<string, boolean | null>;
}

export function toDatasetLine(row: DatasetRow, registry: FeatureRegistry): DatasetLine {
  const features: DatasetLine['features'] = {};
  for (const [name, value] of Object.entries(row.features)) {
    if (Array.isArray(value)) features[name] = [...(value as readonly string[])];
    else if (typeof value === 'number' && registry.has(name) && registry.definition(name).type === 'timestamp') features[name] = new Date(value).toISOString();
    else features[name] = value as Exclude<FeatureValue, readonly string[]>;
  }
  return {
    customerId: row.customerId,
    cutoff: new Date(row.cutoffMs).toISOString(),
    asOf: new Date(row.asOfMs).toISOString(),
    features,
    segments: row.segments,
    labels: { ...row.labels },
  };
}

/** A row back from its line; timestamps stay ISO strings, which the feature encoder reads as well. */
export function fromDatasetLine(line: DatasetLine): DatasetRow {
  const cutoffMs = parseInstantMs(line.cutoff);
  const asOfMs = parseInstantMs(line.asOf);
  if (!Number.isFinite(cutoffMs) || !Number.isFinite(asOfMs) || typeof line.customerId !== 'string' || typeof line.features !== 'object' || typeof line.labels !== 'object') {
    throw new KairosError('VALIDATION_FAILED', 'not a dataset line', [{ path: 'line', rule: 'dataset_line', message: 'needs customerId, cutoff, asOf, features and labels' }]);
  }
  const ageBand = AGE_BANDS.includes(line.segments?.ageBand) ? line.segments.ageBand : 'unknown';
  return { customerId: line.customerId, cutoffMs, asOfMs, features: line.features, segments: { ageBand }, labels: line.labels };
}

/** Streams rows to an NDJSON file (creating its directory), honouring back-pressure. */
export async function writeDatasetNdjson(rows: Iterable<DatasetRow>, registry: FeatureRegistry, path: string): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path, { encoding: 'utf8' });
  let count = 0;
  for (const row of rows) {
    if (!out.write(`${JSON.stringify(toDatasetLine(row, registry))}\n`)) await once(out, 'drain');
    count++;
  }
  out.end();
  await once(out, 'finish');
  return count;
}

export async function readDatasetNdjson(path: string): Promise<DatasetRow[]> {
  const rows: DatasetRow[] = [];
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim() !== '') rows.push(fromDatasetLine(JSON.parse(line) as DatasetLine));
  return rows;
}
