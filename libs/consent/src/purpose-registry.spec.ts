import { readFileSync } from 'node:fs';
import { DEFAULT_CONSENT_POLICY } from './consent-policy';
import { recordViolations } from './purpose-compliance';
import { DEFAULT_PURPOSE_REGISTRY_FILE, loadPurposeRegistry, loadPurposeRegistryFile } from './purpose-registry';

const rawRecord = () => JSON.parse(readFileSync(DEFAULT_PURPOSE_REGISTRY_FILE, 'utf8')) as Record<string, unknown> & { purposes: Record<string, unknown>[]; features: Record<string, unknown> };

function refusal(raw: unknown): { rule: string; path: string }[] {
  try {
    loadPurposeRegistry(raw);
  } catch (error) {
    return (error as { issues: { rule: string; path: string }[] }).issues;
  }
  throw new Error('the record was accepted');
}

describe('purpose registry (record of processing)', () => {
  it('loads governance/purposes.json; its rules equal the built-in default policy and it has no violation of its own', () => {
    const registry = loadPurposeRegistryFile();
    expect(new Map([...registry.policy].map(([id, rule]) => [id, { ...rule }]))).toEqual(new Map([...DEFAULT_CONSENT_POLICY].map(([id, rule]) => [id, { ...rule }])));
    expect(recordViolations(registry)).toEqual([]);
    expect(registry.purposes.get('marketing')?.names).toEqual({ de: 'Werbung und Produktangebote', en: 'Marketing and product offers' });
  });

  it('names only retention categories that governance/retention.json defines', () => {
    const retention = JSON.parse(readFileSync('governance/retention.json', 'utf8')) as { categories: Record<string, unknown> };
    const registry = loadPurposeRegistryFile();
    const refs = [...registry.dataCategories.values(), ...registry.purposes.values()].map((item) => item.retention.slice('retention:'.length));
    expect(refs.filter((ref) => !Object.prototype.hasOwnProperty.call(retention.categories, ref))).toEqual([]);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('rejects a %s key at any depth before the schema, leaving Object.prototype alone', (key) => {
    const text = JSON.stringify(rawRecord()).replace('"features":{', `"features":{"${key}":{"polluted":true},`);
    const issues = refusal(JSON.parse(text));
    expect(issues).toContainEqual(expect.objectContaining({ path: 'features', rule: 'forbidden_key' }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const nested = rawRecord();
    (nested.purposes[0] as Record<string, unknown>).names = JSON.parse(`{"de":"x","en":"y","${key}":{"x":1}}`);
    expect(refusal(nested)).toContainEqual(expect.objectContaining({ path: 'purposes[0].names', rule: 'forbidden_key' }));
  });

  it('rejects unknown purposes and data categories wherever they are named, all at once', () => {
    const record = rawRecord();
    record.features = { ...record.features, age: { dataCategories: ['demographics', 'genome'], purposes: ['marketing', 'lead_generation'] } };
    expect(refusal(record)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'features.age.purposes[1]', rule: 'unknown_purpose' }),
        expect.objectContaining({ path: 'features.age.dataCategories[1]', rule: 'unknown_data_category' }),
      ]),
    );
  });

  it('rejects a wrong legal basis, duplicate ids, a consent basis no consent can be recorded for, and unknown fields', () => {
    const record = rawRecord();
    record.purposes = [...record.purposes, { ...record.purposes[0] }, { ...record.purposes[4], id: 'newsletter', legalBasis: 'consent' }];
    expect(refusal(record)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'purposes[6].id', rule: 'duplicate_id' }),
        expect.objectContaining({ path: 'purposes[7].legalBasis', rule: 'consent_not_recordable' }),
      ]),
    );
    const wrongBasis = rawRecord();
    wrongBasis.purposes[0] = { ...wrongBasis.purposes[0], legalBasis: 'vibes', extra: 1 };
    expect(refusal(wrongBasis)).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'purposes[0].legalBasis', rule: 'invalid_value' }), expect.objectContaining({ path: 'purposes[0]', rule: 'unrecognized_keys' })]),
    );
  });

  it('reports an unreadable file as invalid JSON', () => {
    expect(() => loadPurposeRegistryFile('governance/no-such-file.json')).toThrow('record of processing rejected');
  });
});
