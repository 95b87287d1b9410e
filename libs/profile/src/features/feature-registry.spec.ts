import { DEFAULT_FEATURES, defaultFeatureRegistry } from './default-feature-registry';
import { EventFeatureDefinition, FeatureDefinition } from './feature-definition';
import { FeatureRegistryError, createFeatureRegistry } from './feature-registry';
import { initialProfile } from '../profile/profile-state';

const base: EventFeatureDefinition = {
  name: 'probe',
  type: 'number',
  description: 'a probe feature',
  sources: ['card_transaction'],
  aggregation: 'count',
  window: '30d',
  purposes: ['analytics'],
  personalData: 'pseudonymous',
};

/** The issues `createFeatureRegistry` raises for `definitions`, or a failure if it accepts them. */
function issuesOf(definitions: readonly FeatureDefinition[], options = {}) {
  try {
    createFeatureRegistry(definitions, options);
  } catch (error) {
    expect(error).toBeInstanceOf(FeatureRegistryError);
    expect((error as FeatureRegistryError).code).toBe('VALIDATION_FAILED');
    return (error as FeatureRegistryError).issues;
  }
  throw new Error('registry was accepted');
}

function probe(overrides: Record<string, unknown>): FeatureDefinition {
  return { ...base, ...overrides } as FeatureDefinition;
}

describe('feature registry validation', () => {
  it('accepts the default registry and every window unit', () => {
    expect(defaultFeatureRegistry().names).toEqual(DEFAULT_FEATURES.map((feature) => feature.name));
    for (const window of ['1m', '1440m', '24h', '720h', '7d', '400d', 'lifetime']) {
      expect(createFeatureRegistry([probe({ window })]).has('probe')).toBe(true);
    }
  });

  it.each([
    [{ sources: ['card_swiped'] }, 'features[0].sources', 'unknown_event_type'],
    [{ sources: [] }, 'features[0].sources', 'required'],
    [{ sources: ['login', 'login'] }, 'features[0].sources', 'duplicate'],
    [{ aggregation: 'sum', value: 'data.amont' }, 'features[0].value', 'value_path'],
    [{ aggregation: 'sum', value: 'amount' }, 'features[0].value', 'value_path'],
    [{ aggregation: 'sum' }, 'features[0].value', 'required'],
    [{ aggregation: 'sum', value: 'data.merchantCategory' }, 'features[0].type', 'type_mismatch'],
    [{ aggregation: 'count', value: 'data.amount' }, 'features[0].value', 'value_path'],
    [{ aggregation: 'last', value: 'data.channel', type: 'number' }, 'features[0].type', 'type_mismatch'],
    [{ aggregation: 'max', value: 'data.channel' }, 'features[0].type', 'type_mismatch'],
    [{ aggregation: 'distinct_count', value: 'data.amount' }, 'features[0].type', 'type_mismatch'],
    [{ aggregation: 'distinct', value: 'data.merchantCategory', type: 'number' }, 'features[0].type', 'type_mismatch'],
    [{ aggregation: 'first', type: 'timestamp', window: '7d' }, 'features[0].window', 'window'],
    [{ aggregation: 'median' }, 'features[0].aggregation', 'aggregation'],
    [{ aggregation: 'count', maxDistinct: 5 }, 'features[0].maxDistinct', 'max_distinct'],
    [{ aggregation: 'distinct_count', value: 'data.merchantCategory', maxDistinct: 0 }, 'features[0].maxDistinct', 'max_distinct'],
    [{ window: '10x' }, 'features[0].window', 'window'],
    [{ window: '0d' }, 'features[0].window', 'window'],
    [{ window: '401d' }, 'features[0].window', 'window'],
    [{ window: '2w' }, 'features[0].window', 'window'],
    [{ window: 'forever' }, 'features[0].window', 'window'],
    [{ name: 'Card-Count' }, 'features[0].name', 'feature_name'],
    [{ description: ' ' }, 'features[0].description', 'required'],
    [{ type: 'money' }, 'features[0].type', 'feature_type'],
    [{ purposes: [] }, 'features[0].purposes', 'required'],
    [{ purposes: ['advertising'] }, 'features[0].purposes', 'purpose'],
    [{ personalData: 'secret' }, 'features[0].personalData', 'personal_data_class'],
    [{ filter: "data.product == 'mortgage'" }, 'features[0].filter', 'filter'],
    [{ filter: "data.prodct == 'credit_card'" }, 'features[0].filter', 'filter'],
    [{ filter: 'data.amount == "10"' }, 'features[0].filter', 'filter'],
    [{ filter: "data.currency > 'EUR'" }, 'features[0].filter', 'filter'],
    [{ filter: "data.product == 'credit_card' and" }, 'features[0].filter', 'filter'],
    [{ filter: "data.product = 'credit_card'" }, 'features[0].filter', 'filter'],
    [{ filter: "(data.amount > 1" }, 'features[0].filter', 'filter'],
    [{ filter: "data.product == 'credit_card" }, 'features[0].filter', 'filter'],
    [{ filter: '' }, 'features[0].filter', 'filter'],
  ])('refuses %j at %s (%s)', (overrides, path, rule) => {
    expect(issuesOf([probe(overrides)])).toContainEqual(expect.objectContaining({ path, rule, message: expect.stringContaining('feature') }));
  });

  it('refuses direct identifiers as values and in filters', () => {
    const issues = issuesOf([
      probe({ name: 'first_name', type: 'string', sources: ['customer_registered'], aggregation: 'last', value: 'data.firstName' }),
      probe({ name: 'emails', sources: ['customer_registered'], filter: 'data.contact.email exists' }),
    ]);
    expect(issues).toContainEqual(expect.objectContaining({ path: 'features[0].value', rule: 'value_path', message: expect.stringContaining('identifies a person') }));
    expect(issues).toContainEqual(expect.objectContaining({ path: 'features[1].filter', rule: 'filter', message: expect.stringContaining('identifies a person') }));
  });

  it('checks a filter and value against every source', () => {
    const issues = issuesOf([probe({ sources: ['card_transaction', 'login'], filter: "data.product == 'credit_card'" })]);
    expect(issues).toContainEqual(expect.objectContaining({ rule: 'filter', message: expect.stringContaining('login events have no field data.product') }));
    expect(createFeatureRegistry([probe({ sources: ['product_opened', 'balance_changed'], aggregation: 'last', value: 'data.limit' })]).has('probe')).toBe(true);
  });

  it('checks attribute features', () => {
    expect(issuesOf([{ name: 'x', type: 'boolean', description: 'd', attribute: 'holds_product', purposes: ['service'], personalData: 'none' }])).toContainEqual(
      expect.objectContaining({ path: 'features[0].product', rule: 'product' }),
    );
    expect(issuesOf([{ name: 'x', type: 'string', description: 'd', attribute: 'age', purposes: ['service'], personalData: 'personal' }])).toContainEqual(
      expect.objectContaining({ path: 'features[0].type', rule: 'type_mismatch' }),
    );
    expect(issuesOf([{ name: 'x', type: 'number', description: 'd', attribute: 'shoe_size', purposes: ['service'], personalData: 'personal' } as unknown as FeatureDefinition])).toContainEqual(
      expect.objectContaining({ path: 'features[0].attribute', rule: 'attribute' }),
    );
  });

  it('reports every problem at once, duplicates and options included', () => {
    const issues = issuesOf([probe({ window: 'soon' }), probe({ sources: ['nope'] })], { lateToleranceMs: -1 });
    expect(issues.map((issue) => [issue.path, issue.rule])).toEqual(
      expect.arrayContaining([
        ['options.lateToleranceMs', 'late_tolerance'],
        ['features[0].window', 'window'],
        ['features[1].name', 'duplicate_name'],
        ['features[1].sources', 'unknown_event_type'],
      ]),
    );
  });

  it('fingerprints what decides storage, not descriptions or purposes', () => {
    const a = createFeatureRegistry([probe({})]);
    expect(createFeatureRegistry([probe({ description: 'reworded', purposes: ['marketing'] })]).fingerprint).toBe(a.fingerprint);
    expect(createFeatureRegistry([probe({ window: '31d' })]).fingerprint).not.toBe(a.fingerprint);
    expect(createFeatureRegistry([probe({})], { lateToleranceMs: 1 }).fingerprint).not.toBe(a.fingerprint);
  });

  it('refuses to read an unknown feature or a profile of another registry', () => {
    const registry = createFeatureRegistry([probe({})]);
    const state = initialProfile('c-1', registry);
    expect(() => registry.read(state, 'nope', 0)).toThrow(FeatureRegistryError);
    expect(() => defaultFeatureRegistry().read(state, 'logins_count_30d', 0)).toThrow('different feature registry');
  });
});
