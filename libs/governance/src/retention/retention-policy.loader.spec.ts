import { readFileSync } from 'node:fs';
import { KairosError } from '@kairos/contracts';
import { DEFAULT_RETENTION_FILE, loadRetentionPolicy, loadRetentionPolicyFile } from './retention-policy.loader';
import { AUDIT_MINIMUM_DAYS, DAY_MS, RETENTION_CATEGORIES } from './retention-policy.schema';

const shipped = (): Record<string, unknown> => JSON.parse(readFileSync(DEFAULT_RETENTION_FILE, 'utf8'));

function rejection(raw: unknown): KairosError {
  try {
    loadRetentionPolicy(raw);
  } catch (error) {
    if (error instanceof KairosError) return error;
    throw error;
  }
  throw new Error('the policy was accepted');
}

function withCategory(name: string, value: unknown): Record<string, unknown> {
  const document = shipped();
  return { ...document, categories: { ...(document['categories'] as object), [name]: value } };
}

describe('retention policy loader', () => {
  it('loads the shipped governance/retention.json: every category, audit at least six months, frozen', () => {
    const loaded = loadRetentionPolicyFile();
    expect(Object.keys(loaded.policy.categories).sort()).toEqual([...RETENTION_CATEGORIES].sort());
    expect(loaded.policy.categories.audit.days).toBeGreaterThanOrEqual(AUDIT_MINIMUM_DAYS);
    expect(loaded.retentionMs('raw_events')).toBe(loaded.policy.categories.raw_events.days * DAY_MS);
    expect(loaded.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.isFrozen(loaded.policy.categories.audit)).toBe(true);
  });

  it.each([
    ['at the top', '{"__proto__": {"polluted": true}, "version": 1}'],
    ['in the categories', '{"version": 1, "categories": {"__proto__": {"days": 1}}}'],
    ['in a window', '{"version": 1, "categories": {"audit": {"constructor": {"prototype": {"polluted": true}}}}}'],
  ])('rejects a prototype key %s before validation, and Object.prototype stays clean', (_where, text) => {
    const error = rejection(JSON.parse(text));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.issues[0]).toEqual(expect.objectContaining({ rule: 'forbidden_key' }));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects an unknown category and a missing one, naming them', () => {
    const unknown = rejection(withCategory('marketing_lists', { days: 10, measuredFrom: 'x', basis: 'y' }));
    expect(unknown.issues).toEqual([expect.objectContaining({ path: 'categories', rule: 'unrecognized_keys' })]);
    const document = shipped();
    const { drafts: _drafts, ...rest } = document['categories'] as Record<string, unknown>;
    const missing = rejection({ ...document, categories: rest });
    expect(missing.issues).toEqual([expect.objectContaining({ path: 'categories.drafts' })]);
  });

  it(`rejects an audit window under ${AUDIT_MINIMUM_DAYS} days and accepts exactly ${AUDIT_MINIMUM_DAYS}`, () => {
    const short = rejection(withCategory('audit', { days: AUDIT_MINIMUM_DAYS - 1, measuredFrom: 'record time', basis: 'too short' }));
    expect(short.issues).toEqual([expect.objectContaining({ path: 'categories.audit.days', rule: 'too_small' })]);
    expect(() => loadRetentionPolicy(withCategory('audit', { days: AUDIT_MINIMUM_DAYS, measuredFrom: 'record time', basis: 'the floor' }))).not.toThrow();
  });

  it('rejects an event index kept shorter than the raw events it locates', () => {
    const error = rejection(withCategory('event_index', { days: 30, measuredFrom: 'ingestion', basis: 'short' }));
    expect(error.issues).toEqual([expect.objectContaining({ path: 'categories.event_index.days' })]);
  });

  it.each([
    ['a fraction of a day', { days: 1.5, measuredFrom: 'x', basis: 'y' }],
    ['zero days', { days: 0, measuredFrom: 'x', basis: 'y' }],
    ['days as a string', { days: '30', measuredFrom: 'x', basis: 'y' }],
    ['an extra field', { days: 30, measuredFrom: 'x', basis: 'y', hours: 2 }],
    ['no basis', { days: 30, measuredFrom: 'x' }],
  ])('rejects a window with %s', (_what, window) => {
    expect(rejection(withCategory('parked_events', window)).issues[0].path).toMatch(/^categories\.parked_events/);
  });

  it('rejects another version and a non-object', () => {
    expect(rejection({ ...shipped(), version: 2 }).issues[0].path).toBe('version');
    expect(rejection([]).code).toBe('VALIDATION_FAILED');
    expect(() => loadRetentionPolicyFile('governance/does-not-exist.json')).toThrow(/not readable JSON/);
  });
});
