import { CustomerEvent, customerEventOf, IncomingEvent, KairosError, partitionForCustomer } from '@kairos/contracts';
import { FeatureRegistry, FeatureValue, PartitionProfileStore, ProfileState } from '@kairos/profile';
import type { LabelDefinition } from './dataset-labels';
import { DatasetSegments, segmentsOf } from './dataset-segments';
import { parseInstantMs } from './instant-parser';

/** One customer as of one cutoff: what serving would have read then, and what happened after. */
export interface DatasetRow {
  readonly customerId: string;
  /** The cutoff (epoch ms): features see only events known before it; labels look at events from it on. */
  readonly cutoffMs: number;
  /** The instant features are read at: the last millisecond before the cutoff. */
  readonly asOfMs: number;
  /** Registry values as `registry.read` returns them (timestamps in epoch ms). */
  readonly features: Readonly<Record<string, FeatureValue>>;
  readonly segments: DatasetSegments;
  readonly labels: Readonly<Record<string, boolean | null>>;
}

export interface PointInTimeOptions {
  readonly registry: FeatureRegistry;
  /** Epoch ms; each one gives one row per customer with a profile then. */
  readonly cutoffs: readonly number[];
  readonly labels: readonly LabelDefinition[];
  /** Feature names to record (default: every registry feature). */
  readonly features?: readonly string[];
  /** Partitions to spread customers over, as the log does (default 4); values do not depend on it. */
  readonly partitions?: number;
  /**
   * Until when the stream is complete (epoch ms). A label whose window reaches past it is null (censored), not
   * false. Default: the newest event's time.
   */
  readonly observedUntilMs?: number;
}

export interface PointInTimeDataset {
  readonly rows: readonly DatasetRow[];
  readonly featureNames: readonly string[];
  readonly labelNames: readonly string[];
  readonly registryFingerprint: string;
  readonly eventsFolded: number;
  /** Events naming no customer id (e.g. card events identified only by card): a dataset needs resolved events. */
  readonly eventsWithoutCustomer: number;
  readonly observedUntilMs: number;
}

interface OpenCutoff {
  readonly cutoffMs: number;
  readonly rowOf: Map<string, number>;
  /** Per row, per label: 1 once a matching event was seen in the window. */
  readonly hits: Uint8Array;
  readonly eligible: Uint8Array;
}

/**
 * Builds point-in-time rows from an event stream in the order the bank learned of the events (log order, or the
 * simulator's time order): the profiles are folded with the same registry and store as serving, every cutoff's
 * features are read BEFORE the first event known at or after it is folded, and labels come only from events
 * occurring in the window after the cutoff. So a training row equals what a decision at the cutoff would have seen.
 */
export function buildPointInTimeDataset(events: Iterable<IncomingEvent | CustomerEvent>, options: PointInTimeOptions): PointInTimeDataset {
  const registry = options.registry;
  const featureNames = options.features ? [...options.features] : registry.names;
  for (const name of featureNames) registry.definition(name);
  const cutoffs = [...options.cutoffs].sort((a, b) => a - b);
  if (cutoffs.some((cutoff) => !Number.isFinite(cutoff))) throw new KairosError('VALIDATION_FAILED', 'cutoffs must be finite epoch milliseconds');
  const labels = options.labels;
  const partitions = options.partitions ?? 4;
  const stores: PartitionProfileStore[] = [];
  for (let p = 0; p < partitions; p++) stores.push(new PartitionProfileStore({ partition: p, registry }));
  const offsets = new Array<number>(partitions).fill(0);
  const maxHorizonMs = labels.reduce((max, label) => Math.max(max, label.horizonMs), 0);

  const open: OpenCutoff[] = [];
  const rows: DatasetRow[] = [];
  const rowFeatures: Record<string, FeatureValue>[] = [];
  const rowSegments: DatasetSegments[] = [];
  let next = 0;
  let lastKnownAtMs = -Infinity;
  let folded = 0;
  let withoutCustomer = 0;

  const snapshot = (cutoffMs: number): void => {
    const asOfMs = cutoffMs - 1;
    const rowOf = new Map<string, number>();
    const eligibleFlags: number[] = [];
    for (const store of stores) {
      for (let slot = 0; slot < store.size; slot++) {
        const state: ProfileState = { customerId: store.customerIdAt(slot), store, slot };
        const values: Record<string, FeatureValue> = {};
        for (const name of featureNames) values[name] = registry.read(state, name, asOfMs);
        rowOf.set(state.customerId, rowFeatures.length);
        rowFeatures.push(values);
        rowSegments.push(segmentsOf(state, asOfMs));
        for (const label of labels) eligibleFlags.push(label.eligible(state) ? 1 : 0);
      }
    }
    const first = rowFeatures.length - rowOf.size;
    // Row indexes inside one cutoff start at 0 so the label arrays stay small.
    for (const [id, index] of rowOf) rowOf.set(id, index - first);
    open.push({ cutoffMs, rowOf, hits: new Uint8Array(rowOf.size * labels.length), eligible: Uint8Array.from(eligibleFlags) });
  };

  for (const raw of events) {
    const event = toCustomerEvent(raw);
    if (!event) {
      withoutCustomer++;
      continue;
    }
    const knownAtMs = event.receivedAtMs;
    if (knownAtMs < lastKnownAtMs) {
      throw new KairosError('VALIDATION_FAILED', 'events must arrive in the order they became known (receivedAt, or occurredAt for simulated events)', [
        { path: 'events', rule: 'ordered', message: `event ${folded + withoutCustomer} is known before its predecessor` },
      ]);
    }
    lastKnownAtMs = knownAtMs;
    while (next < cutoffs.length && knownAtMs >= cutoffs[next]) snapshot(cutoffs[next++]);
    recordLabelHits(open, labels, event, maxHorizonMs);
    const partition = partitionForCustomer(event.customerId, partitions);
    stores[partition].apply({ partition, offset: offsets[partition]++, event });
    folded++;
  }

  const observedUntilMs = options.observedUntilMs ?? (Number.isFinite(lastKnownAtMs) ? lastKnownAtMs : 0);
  while (next < cutoffs.length && cutoffs[next] <= observedUntilMs) snapshot(cutoffs[next++]);

  let base = 0;
  for (const cutoff of open) {
    const labelNames = labels.map((label) => label.name);
    for (const [customerId, index] of cutoff.rowOf) {
      const values: Record<string, boolean | null> = {};
      labels.forEach((label, l) => {
        const at = index * labels.length + l;
        const complete = cutoff.cutoffMs + label.horizonMs <= observedUntilMs;
        values[labelNames[l]] = cutoff.eligible[at] === 1 && complete ? cutoff.hits[at] === 1 : null;
      });
      rows.push({
        customerId,
        cutoffMs: cutoff.cutoffMs,
        asOfMs: cutoff.cutoffMs - 1,
        features: rowFeatures[base + index],
        segments: rowSegments[base + index],
        labels: values,
      });
    }
    base += cutoff.rowOf.size;
  }

  return {
    rows,
    featureNames,
    labelNames: labels.map((label) => label.name),
    registryFingerprint: registry.fingerprint,
    eventsFolded: folded,
    eventsWithoutCustomer: withoutCustomer,
    observedUntilMs,
  };
}

function recordLabelHits(open: readonly OpenCutoff[], labels: readonly LabelDefinition[], event: CustomerEvent, maxHorizonMs: number): void {
  const atMs = event.occurredAtMs;
  for (const cutoff of open) {
    if (atMs < cutoff.cutoffMs || atMs >= cutoff.cutoffMs + maxHorizonMs) continue;
    const index = cutoff.rowOf.get(event.customerId);
    if (index === undefined) continue;
    for (let l = 0; l < labels.length; l++) {
      if (atMs < cutoff.cutoffMs + labels[l].horizonMs && labels[l].matches(event)) cutoff.hits[index * labels.length + l] = 1;
    }
  }
}

/** Simulated events carry no receive time: the bank learns of them when they occur. */
function toCustomerEvent(event: IncomingEvent | CustomerEvent): CustomerEvent | null {
  if ('occurredAtMs' in event && 'receivedAtMs' in event) return event as CustomerEvent;
  if (event.customerId === undefined) return null;
  const occurredAtMs = parseInstantMs(event.occurredAt);
  return customerEventOf(event as IncomingEvent & { customerId: string }, occurredAtMs, occurredAtMs);
}
