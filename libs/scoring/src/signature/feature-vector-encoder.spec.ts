import { scoringFeatureRegistry } from '../features/scoring-features';
import { FeatureVectorEncoder } from './feature-vector-encoder';
import { modelSignatureSchema } from './model-signature.schema';
import { checkSignature } from './signature-check';

const DAY_MS = 86_400_000;
const AS_OF = Date.UTC(2026, 10, 23, 12);

const signature = modelSignatureSchema.parse({
  inputs: [
    { name: 'card_transactions_count_30d', type: 'number', transform: 'log1p', missing: { strategy: 'impute', value: 0 }, center: 1, scale: 2 },
    { name: 'holds_credit_card', type: 'boolean', missing: { strategy: 'impute', value: false } },
    { name: 'last_login_at', type: 'timestamp', missing: { strategy: 'impute', value: 365 }, clip: [0, 100] },
    { name: 'language', type: 'string', categories: ['de', 'en'], missing: { strategy: 'impute', value: 'de' } },
    { name: 'complaints_count_90d', type: 'number', missing: { strategy: 'refuse' } },
  ],
  outputs: [{ name: 'p', description: 'a probability' }],
});

describe('feature vector encoder', () => {
  const encoder = new FeatureVectorEncoder(signature);

  it('encodes numbers, booleans, timestamps (epoch ms or ISO) and one-hot strings as declared', () => {
    expect(encoder.width).toBe(6);
    const fromMs = encoder.encode({ card_transactions_count_30d: Math.E - 1, holds_credit_card: true, last_login_at: AS_OF - 2.5 * DAY_MS, language: 'en', complaints_count_90d: 3 }, AS_OF);
    expect(fromMs.outcome).toEqual({ ok: true, imputed: [] });
    expect(Array.from(fromMs.vector)).toEqual([0, 1, 2.5, 0, 1, 3]);
    const fromIso = encoder.encode({ card_transactions_count_30d: Math.E - 1, holds_credit_card: true, last_login_at: new Date(AS_OF - 2.5 * DAY_MS).toISOString(), language: 'en', complaints_count_90d: 3 }, AS_OF);
    expect(Array.from(fromIso.vector)).toEqual(Array.from(fromMs.vector));
  });

  it('imputes missing and mistyped values and says which', () => {
    const { vector, outcome } = encoder.encode({ card_transactions_count_30d: 'many', language: null, complaints_count_90d: 0 }, AS_OF);
    expect(outcome).toEqual({
      ok: true,
      imputed: [
        { feature: 'card_transactions_count_30d', kind: 'invalid_type' },
        { feature: 'holds_credit_card', kind: 'missing' },
        { feature: 'last_login_at', kind: 'missing' },
        { feature: 'language', kind: 'missing' },
      ],
    });
    // 0 → log1p 0 → (0 − 1) / 2; 365 days clipped to 100; language imputed as 'de'.
    expect(Array.from(vector)).toEqual([-0.5, 0, 100, 1, 0, 0]);
  });

  it('refuses, without throwing, when a feature declared "refuse" is missing or mistyped', () => {
    expect(encoder.encode({ complaints_count_90d: undefined }, AS_OF).outcome).toEqual({ ok: false, reason: 'missing_feature', missing: [{ feature: 'complaints_count_90d', kind: 'missing' }] });
    const target = new Float32Array(12).fill(7);
    const outcome = encoder.encodeInto({ complaints_count_90d: Number.NaN }, AS_OF, target, 6);
    expect(outcome).toMatchObject({ ok: false, missing: [{ feature: 'complaints_count_90d', kind: 'invalid_type' }] });
    expect(Array.from(target)).toEqual([7, 7, 7, 7, 7, 7, 0, 0, 0, 0, 0, 0]);
  });

  it('encodes a baseline given in natural units (days for timestamps)', () => {
    expect(Array.from(encoder.encodeNatural({ card_transactions_count_30d: 0, holds_credit_card: true, last_login_at: 7, language: 'en', complaints_count_90d: 1 }))).toEqual([-0.5, 1, 7, 0, 1, 1]);
  });
});

describe('signature check against the registry and purposes', () => {
  const registry = scoringFeatureRegistry();

  it('accepts features declared for every purpose of the model', () => {
    const ok = modelSignatureSchema.parse({
      inputs: [
        { name: 'logins_count_30d', type: 'number', missing: { strategy: 'impute', value: 0 } },
        { name: 'account_leaving_page_views_count_30d', type: 'number', missing: { strategy: 'impute', value: 0 } },
      ],
      outputs: [{ name: 'p', description: 'p' }],
    });
    expect(checkSignature(ok, ['ai_personalization'], registry)).toEqual([]);
  });

  it('names each unknown, mistyped, purpose-violating or monitoring-only input', () => {
    const issues = checkSignature(
      modelSignatureSchema.parse({
        inputs: [
          { name: 'no_such_feature', type: 'number', missing: { strategy: 'impute', value: 0 } },
          { name: 'last_login_at', type: 'number', missing: { strategy: 'impute', value: 0 } },
          { name: 'age', type: 'number', missing: { strategy: 'impute', value: 40 } },
          { name: 'customer_gender', type: 'string', categories: ['f', 'm'], missing: { strategy: 'refuse' } },
          { name: 'logins_count_30d', type: 'number', missing: { strategy: 'impute', value: true } },
        ],
        outputs: [{ name: 'p', description: 'p' }],
      }),
      ['ai_personalization'],
      registry,
    );
    expect(issues.map((issue) => [issue.path, issue.rule])).toEqual([
      ['signature.inputs[0].name', 'unknown_feature'],
      ['signature.inputs[1].type', 'type_mismatch'],
      ['signature.inputs[2].name', 'purpose_not_allowed'],
      ['signature.inputs[3].name', 'monitoring_only'],
      ['signature.inputs[4].missing.value', 'impute_type'],
    ]);
  });

  it('the schema refuses duplicates and string features without categories', () => {
    const result = modelSignatureSchema.safeParse({
      inputs: [
        { name: 'language', type: 'string', missing: { strategy: 'refuse' } },
        { name: 'language', type: 'string', categories: ['de'], missing: { strategy: 'refuse' } },
      ],
      outputs: [{ name: 'p', description: 'p' }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(expect.arrayContaining(['inputs.0.categories', 'inputs']));
  });
});
