import { partitionForCustomer } from '@kairos/contracts';
import { DEFAULT_FEATURES, type FeatureDefinition, PartitionProfileStore, type ProfileState, createFeatureRegistry } from '@kairos/profile';
import { BankSimulation } from '@kairos/simulator';
import { parseInstantMs } from '../datasets/instant-parser';
import { readSignatureFeatures } from '../runtime/profile-features';
import { FeatureVectorEncoder } from '../signature/feature-vector-encoder';
import { type ModelSignature, modelSignatureSchema } from '../signature/model-signature.schema';
import { SCORING_FEATURES } from './scoring-features';
import { encodeSegmentFeatures } from './segment-feature-matrix';

/** Windowed extremes, which the shipped models do not read, on top of the serving registry. */
const balanceExtreme = (aggregation: 'min' | 'max'): FeatureDefinition => ({
  name: `checking_balance_${aggregation}_90d`,
  type: 'number',
  description: `${aggregation} checking balance over 90 days`,
  sources: ['balance_changed'],
  filter: "data.product == 'checking_account'",
  value: 'data.balance',
  aggregation,
  window: '90d',
  purposes: ['analytics'],
  personalData: 'pseudonymous',
});
const registry = createFeatureRegistry([...DEFAULT_FEATURES, ...SCORING_FEATURES, balanceExtreme('min'), balanceExtreme('max')]);

/** Every kind of input a card can declare: windowed counts and sums, lifetime and last values, timestamps, a boolean, a category, an unknown feature. */
function signature(inputs: readonly Record<string, unknown>[]): ModelSignature {
  return modelSignatureSchema.parse({ inputs, outputs: [{ name: 'p', description: 'probability' }] });
}
const impute = (value: number | string | boolean) => ({ strategy: 'impute', value });
const WIDE = signature([
  { name: 'card_transactions_count_7d', type: 'number', transform: 'log1p', missing: impute(0), center: 1, scale: 2, clip: [0, 3] },
  { name: 'logins_count_90d', type: 'number', transform: 'log1p', missing: impute(0), center: 0.5, scale: 1.5 },
  { name: 'card_spend_sum_30d', type: 'number', transform: 'log1p', missing: impute(0), center: 6, scale: 2 },
  { name: 'checking_balance', type: 'number', transform: 'log1p', missing: impute(0), center: 3, scale: 6 },
  { name: 'checking_balance_max_90d', type: 'number', transform: 'log1p', missing: impute(0), center: 3, scale: 6 },
  { name: 'checking_balance_min_90d', type: 'number', transform: 'log1p', missing: impute(0), center: 3, scale: 6 },
  { name: 'last_login_at', type: 'timestamp', transform: 'log1p', missing: impute(365), center: 1, scale: 1 },
  { name: 'distinct_merchant_categories_30d', type: 'number', transform: 'identity', missing: impute(0), center: 5, scale: 3 },
  { name: 'holds_credit_card', type: 'boolean', transform: 'identity', missing: impute(false), center: 0.5, scale: 0.5 },
  { name: 'language', type: 'string', transform: 'identity', missing: impute('de'), categories: ['de', 'en'], center: 0, scale: 1 },
  { name: 'not_a_registry_feature', type: 'number', transform: 'identity', missing: impute(7), center: 0, scale: 1 },
]);
/** The same without the category, plus a boolean feature read as a number: encoded a column at a time. */
const NUMERIC = signature([
  ...WIDE.inputs.filter((input) => input.type !== 'string'),
  { name: 'holds_debit_card', type: 'number', transform: 'identity', missing: impute(3), center: 0, scale: 1 },
]);
const REFUSING = signature([{ name: 'last_card_transaction_at', type: 'timestamp', transform: 'log1p', missing: { strategy: 'refuse' }, center: 1, scale: 1 }]);

describe('encodeSegmentFeatures', () => {
  const stores = [0, 1].map((partition) => new PartitionProfileStore({ partition, registry }));
  const simulation = new BankSimulation({ seed: 5, customers: 160, days: 45, startDate: '2026-02-02' });
  const offsets = [0, 0];
  for (const event of simulation.events()) {
    if (!event.customerId) continue;
    const partition = partitionForCustomer(event.customerId, 2);
    const atMs = parseInstantMs(event.occurredAt);
    stores[partition].apply({ partition, offset: offsets[partition]++, event: { ...event, customerId: event.customerId, occurredAtMs: atMs, receivedAtMs: atMs } });
  }
  const nowMs = simulation.options.endMs + 3_600_000;

  it('gives every customer the rows and refusals that reading and encoding them one by one gives', () => {
    let refusals = 0;
    for (const store of stores) {
      // Every other slot, from the second row on: a segment need not be the whole store.
      const slots = Int32Array.from({ length: Math.floor(store.size / 2) }, (_, i) => 2 * i + 1);
      const targets = [WIDE, NUMERIC, REFUSING].map((s) => {
        const encoder = new FeatureVectorEncoder(s);
        return { signature: s, encoder, matrix: new Float32Array((slots.length + 1) * encoder.width).fill(9), refused: new Uint8Array(slots.length + 1).fill(7) };
      });
      encodeSegmentFeatures(store, slots, nowMs, targets, 1);
      for (const target of targets) {
        const width = target.encoder.width;
        const expected = new Float32Array((slots.length + 1) * width).fill(9);
        const expectedRefused = new Uint8Array(slots.length + 1).fill(7);
        slots.forEach((slot, r) => {
          const state: ProfileState = { customerId: store.customerIdAt(slot), store, slot };
          const features = readSignatureFeatures(state, registry, target.signature, nowMs);
          expectedRefused[r + 1] = target.encoder.encodeInto(features, nowMs, expected, (r + 1) * width).ok ? 0 : 1;
        });
        expect(Array.from(target.matrix)).toEqual(Array.from(expected));
        expect(Array.from(target.refused)).toEqual(Array.from(expectedRefused));
        refusals += expectedRefused.slice(1).reduce((sum, flag) => sum + flag, 0);
      }
    }
    // The simulated bank has customers who never paid by card, so the refusing signature is exercised.
    expect(refusals).toBeGreaterThan(0);
  });
});
