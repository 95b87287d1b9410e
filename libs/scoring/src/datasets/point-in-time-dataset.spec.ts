import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventData, EventType, IncomingEvent } from '@kairos/contracts';
import { PartitionProfileStore, profileOf } from '@kairos/profile';
import { simulateBank } from '@kairos/simulator';
import { scoringFeatureRegistry } from '../features/scoring-features';
import { FeatureVectorEncoder } from '../signature/feature-vector-encoder';
import { modelSignatureSchema } from '../signature/model-signature.schema';
import { activeWithin, churnedWithin, openedWithin } from './dataset-labels';
import { fromDatasetLine, readDatasetNdjson, toDatasetLine, writeDatasetNdjson } from './dataset-ndjson';
import { buildPointInTimeDataset } from './point-in-time-dataset';

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 5);
const CUTOFF = START + 30 * DAY_MS;
const LABELS = [churnedWithin(30), churnedWithin(90), activeWithin(30), openedWithin('credit_card', 30)];
const registry = scoringFeatureRegistry();

let sequence = 0;
function event<T extends EventType>(customerId: string, atMs: number, type: T, data: EventData<T>): IncomingEvent<T> {
  return { id: `e-${sequence++}`, type, customerId, occurredAt: new Date(atMs).toISOString(), source: 'test', data };
}

/** A customer registered with a checking account at `START` and logging in every other day until `quietFromMs`. */
function customer(id: string, quietFromMs = Infinity): IncomingEvent[] {
  const events: IncomingEvent[] = [
    event(id, START, 'customer_registered', { birthDate: '1990-04-01', country: 'DE', language: 'de' }),
    event(id, START + 60_000, 'product_opened', { product: 'checking_account', productId: `chk-${id}` }),
  ];
  for (let day = 1; day < 200 && START + day * DAY_MS < quietFromMs; day += 2) events.push(event(id, START + day * DAY_MS + 3_600_000, 'login', { channel: 'app' }));
  return events;
}

const byTime = (events: IncomingEvent[]): IncomingEvent[] => [...events].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));

describe('point-in-time datasets', () => {
  const observedUntilMs = START + 150 * DAY_MS;

  it('no event after the cutoff changes a feature; the same events do change the labels', () => {
    const base = byTime([...customer('a'), ...customer('b'), ...customer('c')]);
    const options = { registry, cutoffs: [CUTOFF], labels: LABELS, observedUntilMs };
    const plain = buildPointInTimeDataset(base, options);
    const truncated = buildPointInTimeDataset(
      base.filter((e) => Date.parse(e.occurredAt) < CUTOFF),
      options,
    );
    // Right after the cutoff: a storm of complaints, logins, page views and a closed account for every customer.
    const injected: IncomingEvent[] = [];
    for (const id of ['a', 'b', 'c']) {
      for (let k = 0; k < 25; k++) {
        const at = CUTOFF + k * 1000;
        injected.push(event(id, at, 'complaint_filed', { category: 'fees' }), event(id, at + 1, 'page_view', { channel: 'web', page: '/account/close' }));
      }
      injected.push(event(id, CUTOFF + DAY_MS, 'product_closed', { product: 'checking_account', productId: `chk-${id}` }));
    }
    const disturbed = buildPointInTimeDataset(byTime([...base, ...injected]), options);

    expect(plain.rows).toHaveLength(3);
    expect(truncated.rows.map((r) => r.features)).toEqual(plain.rows.map((r) => r.features));
    expect(disturbed.rows.map((r) => r.features)).toEqual(plain.rows.map((r) => r.features));
    expect(plain.rows.every((r) => r.labels['churned_within_30d'] === false)).toBe(true);
    expect(disturbed.rows.every((r) => r.labels['churned_within_30d'] === true)).toBe(true);
    // The features saw exactly the 15 logins of the 30 days before the cutoff.
    expect(plain.rows[0].features['logins_count_30d']).toBe(15);
    expect(plain.rows[0].features['complaints_count_30d']).toBe(0);
  });

  it('on a simulated bank, truncating the stream at the cutoff leaves every feature unchanged', () => {
    const bank = simulateBank({ seed: 5, customers: 40, days: 50, startDate: '2026-01-05' });
    const cutoff = Date.UTC(2026, 0, 5) + 25 * DAY_MS;
    const options = { registry, cutoffs: [cutoff], labels: LABELS, observedUntilMs: bank.options.endMs };
    const full = buildPointInTimeDataset(bank.events, options);
    const before = buildPointInTimeDataset(
      bank.events.filter((e) => Date.parse(e.occurredAt) < cutoff),
      options,
    );
    expect(full.rows.length).toBeGreaterThan(30);
    expect(before.rows.map((r) => [r.customerId, r.features])).toEqual(full.rows.map((r) => [r.customerId, r.features]));
  });

  it('a row holds exactly what serving reads from a profile folded up to the cutoff', () => {
    const bank = simulateBank({ seed: 9, customers: 10, days: 40, startDate: '2026-01-05' });
    const cutoff = Date.UTC(2026, 0, 5) + 20 * DAY_MS;
    const dataset = buildPointInTimeDataset(bank.events, { registry, cutoffs: [cutoff], labels: LABELS, partitions: 3 });
    const serving = new PartitionProfileStore({ partition: 0, registry });
    bank.events
      .filter((e) => Date.parse(e.occurredAt) < cutoff)
      .forEach((e, offset) => serving.apply({ partition: 0, offset, event: { ...e, customerId: e.customerId!, occurredAtMs: Date.parse(e.occurredAt), receivedAtMs: Date.parse(e.occurredAt) } }));
    for (const row of dataset.rows) {
      expect(row.asOfMs).toBe(cutoff - 1);
      expect(row.features).toEqual(registry.readAll(profileOf(serving, row.customerId)!, cutoff - 1));
    }
  });

  it('labels: windows, eligibility and censoring', () => {
    const events = byTime([
      ...customer('leaves-soon', CUTOFF + 5 * DAY_MS),
      event('leaves-soon', CUTOFF + 10 * DAY_MS, 'product_closed', { product: 'checking_account', productId: 'chk-leaves-soon' }),
      ...customer('leaves-later', CUTOFF + 30 * DAY_MS),
      event('leaves-later', CUTOFF + 40 * DAY_MS, 'product_closed', { product: 'checking_account', productId: 'chk-leaves-later' }),
      ...customer('left-before', CUTOFF - 20 * DAY_MS),
      event('left-before', CUTOFF - 10 * DAY_MS, 'product_closed', { product: 'checking_account', productId: 'chk-left-before' }),
      ...customer('buys-card'),
      event('buys-card', CUTOFF + 3 * DAY_MS, 'product_opened', { product: 'credit_card', productId: 'cc-1', limit: 1000 }),
      ...customer('has-card'),
      event('has-card', START + 2 * DAY_MS, 'product_opened', { product: 'credit_card', productId: 'cc-2', limit: 500 }),
    ]);
    const rows = Object.fromEntries(buildPointInTimeDataset(events, { registry, cutoffs: [CUTOFF], labels: LABELS, observedUntilMs }).rows.map((r) => [r.customerId, r.labels]));
    expect(rows['leaves-soon']).toMatchObject({ churned_within_30d: true, churned_within_90d: true, active_within_30d: true });
    expect(rows['leaves-later']).toMatchObject({ churned_within_30d: false, churned_within_90d: true });
    expect(rows['left-before']).toEqual({ churned_within_30d: null, churned_within_90d: null, active_within_30d: null, opened_credit_card_within_30d: null });
    expect(rows['buys-card']).toMatchObject({ opened_credit_card_within_30d: true, churned_within_90d: false });
    expect(rows['has-card']).toMatchObject({ opened_credit_card_within_30d: null, churned_within_30d: false });

    // Observed only 60 days past the cutoff: the 90-day label is unknown, not false.
    const censored = buildPointInTimeDataset(events, { registry, cutoffs: [CUTOFF], labels: LABELS, observedUntilMs: CUTOFF + 60 * DAY_MS });
    expect(censored.rows.every((r) => r.labels['churned_within_90d'] === null)).toBe(true);
    expect(censored.rows.find((r) => r.customerId === 'leaves-later')!.labels['churned_within_30d']).toBe(false);
  });

  it('one row per cutoff, and customers appear only once registered', () => {
    const events = byTime([...customer('early'), ...customer('late').map((e) => ({ ...e, occurredAt: new Date(Date.parse(e.occurredAt) + 45 * DAY_MS).toISOString() }))]);
    const dataset = buildPointInTimeDataset(events, { registry, cutoffs: [CUTOFF + 30 * DAY_MS, CUTOFF], labels: LABELS, observedUntilMs });
    expect(dataset.rows.map((r) => [r.customerId, r.cutoffMs])).toEqual([
      ['early', CUTOFF],
      ['early', CUTOFF + 30 * DAY_MS],
      ['late', CUTOFF + 30 * DAY_MS],
    ]);
  });

  it('refuses a stream that goes back in time and skips events without a customer id', () => {
    const [first, second] = customer('x');
    expect(() => buildPointInTimeDataset([second, first], { registry, cutoffs: [CUTOFF], labels: LABELS })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    const anonymous = { ...first, customerId: undefined, identifiers: { cardId: 'card-1' } };
    expect(buildPointInTimeDataset([anonymous, second], { registry, cutoffs: [CUTOFF], labels: LABELS }).eventsWithoutCustomer).toBe(1);
  });

  it('exports NDJSON that encodes to the same model input as the rows it came from', async () => {
    const bank = simulateBank({ seed: 3, customers: 15, days: 40, startDate: '2026-01-05' });
    const dataset = buildPointInTimeDataset(bank.events, { registry, cutoffs: [Date.UTC(2026, 0, 25)], labels: LABELS, observedUntilMs: bank.options.endMs });
    const encoder = new FeatureVectorEncoder(
      modelSignatureSchema.parse({
        inputs: [
          { name: 'last_login_at', type: 'timestamp', transform: 'log1p', missing: { strategy: 'impute', value: 365 } },
          { name: 'card_transactions_count_30d', type: 'number', missing: { strategy: 'impute', value: 0 } },
          { name: 'language', type: 'string', categories: ['de', 'en'], missing: { strategy: 'impute', value: 'de' } },
        ],
        outputs: [{ name: 'x', description: 'x' }],
      }),
    );
    const dir = mkdtempSync(join(tmpdir(), 'kairos-dataset-'));
    try {
      const path = join(dir, 'rows.ndjson');
      expect(await writeDatasetNdjson(dataset.rows, registry, path)).toBe(dataset.rows.length);
      const back = await readDatasetNdjson(path);
      expect(back).toHaveLength(dataset.rows.length);
      back.forEach((row, i) => {
        const original = dataset.rows[i];
        expect(row).toMatchObject({ customerId: original.customerId, cutoffMs: original.cutoffMs, asOfMs: original.asOfMs, labels: original.labels, segments: original.segments });
        expect(Array.from(encoder.encode(row.features, row.asOfMs).vector)).toEqual(Array.from(encoder.encode(original.features, original.asOfMs).vector));
      });
      const line = toDatasetLine(dataset.rows[0], registry);
      expect(typeof line.features['registered_at']).toBe('string');
      expect(fromDatasetLine(line).features['registered_at']).toBe(line.features['registered_at']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
