import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as casl from '@casl/ability';
import fc from 'fast-check';
import { KairosError } from '@kairos/contracts';
import { AbilityFactory } from '../ability/ability-factory';
import { ACTIONS, ROLES, SUBJECTS } from '../principal/access-vocabulary';
import { DEFAULT_POLICY_FILE, loadPolicyDocument, loadPolicyFile } from './policy-loader';

// Wraps CASL's ability constructor in a counting mock for every importer in this file, so "CASL was never called" is observed.
jest.mock('@casl/ability', () => {
  const actual = jest.requireActual<typeof import('@casl/ability')>('@casl/ability');
  return { ...actual, createMongoAbility: jest.fn(actual.createMongoAbility) };
});
const createAbility = casl.createMongoAbility as jest.MockedFunction<typeof casl.createMongoAbility>;

/** The shipped policy as loose JSON, to be broken on purpose. */
interface LooseDocument {
  [key: string]: unknown;
  roles: Record<string, Record<string, unknown>[]>;
}
const shippedPolicy = (): LooseDocument => JSON.parse(readFileSync(DEFAULT_POLICY_FILE, 'utf8')) as LooseDocument;
const dpoRule = (d: LooseDocument): Record<string, unknown> => d.roles['dpo']![0]!;

function rejectionOf(raw: unknown): KairosError {
  try {
    loadPolicyDocument(raw);
  } catch (error) {
    if (error instanceof KairosError) return error;
    throw error;
  }
  throw new Error('the document was accepted');
}

describe('policy loader', () => {
  it('loads the shipped governance/policies/roles.json with rules for every role', () => {
    const policy = loadPolicyFile();
    expect(Object.keys(policy.roles).sort()).toEqual([...ROLES].sort());
    expect(Object.isFrozen(policy.roles.channel[0])).toBe(true);
  });

  it.each([
    ['unknown role', (d: LooseDocument) => (d.roles['auditor'] = [])],
    ['missing role', (d: LooseDocument) => delete d.roles['dpo']],
    ['unknown action', (d: LooseDocument) => (dpoRule(d)['action'] = 'export')],
    ['unknown subject', (d: LooseDocument) => (dpoRule(d)['subject'] = 'Secrets')],
    ['wrong type of inverted', (d: LooseDocument) => (dpoRule(d)['inverted'] = 'yes')],
    ['unknown rule key', (d: LooseDocument) => (dpoRule(d)['priority'] = 1)],
    ['regex operator', (d: LooseDocument) => (dpoRule(d)['conditions'] = { name: { $regex: '(a+)+$' } })],
    ['unknown placeholder', (d: LooseDocument) => (dpoRule(d)['conditions'] = { ownerId: '${principal.email}' })],
    ['channel placeholder outside the channel role', (d: LooseDocument) => (dpoRule(d)['conditions'] = { channel: '${principal.channel}' })],
    ['wildcard field', (d: LooseDocument) => (dpoRule(d)['fields'] = ['address.*'])],
    ['constructor as a field name', (d: LooseDocument) => (dpoRule(d)['fields'] = ['constructor'])],
    ['wrong version', (d: LooseDocument) => (d['version'] = 2)],
  ])('rejects a document with %s, naming where', (_name, mutate) => {
    const document = shippedPolicy();
    mutate(document);
    const error = rejectionOf(document);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.message).toMatch(/^policy document rejected: /);
  });

  it('rejects "__proto__" parsed from JSON text with the path of the key', () => {
    const text = JSON.stringify(shippedPolicy()).replace('"roles":{', '"roles":{"__proto__":{"isAdmin":true},');
    const error = rejectionOf(JSON.parse(text));
    expect(error.issues[0]).toEqual(expect.objectContaining({ path: 'roles.__proto__', rule: 'forbidden_key' }));
  });
});

/** Z5: every trap document is rejected by the loader, CASL is never called, Object.prototype never changes. */
describe('Z5 policy-as-data loader fuzz', () => {
  type Trap =
    | { kind: 'prototype-key'; key: '__proto__' | 'constructor' | 'prototype'; where: number; payload: unknown }
    | { kind: 'altered-prototype'; where: number }
    | { kind: 'unknown-action'; value: string; where: number }
    | { kind: 'unknown-subject'; value: string; where: number }
    | { kind: 'unknown-role'; value: string }
    | { kind: 'wrong-type'; field: 'action' | 'subject' | 'conditions' | 'fields' | 'inverted' | 'reason' | 'roles' | 'version'; value: unknown; where: number };

  const junk = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 8 }), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }));
  const where = fc.nat(1_000);
  const trap: fc.Arbitrary<Trap> = fc.oneof(
    fc.record({ kind: fc.constant('prototype-key' as const), key: fc.constantFrom('__proto__' as const, 'constructor' as const, 'prototype' as const), where, payload: junk }),
    fc.record({ kind: fc.constant('altered-prototype' as const), where }),
    fc.record({ kind: fc.constant('unknown-action' as const), value: fc.string({ maxLength: 12 }).filter((s) => !(ACTIONS as readonly string[]).includes(s)), where }),
    fc.record({ kind: fc.constant('unknown-subject' as const), value: fc.string({ maxLength: 12 }).filter((s) => !(SUBJECTS as readonly string[]).includes(s)), where }),
    fc.record({ kind: fc.constant('unknown-role' as const), value: fc.string({ maxLength: 12 }).filter((s) => !(ROLES as readonly string[]).includes(s) && s !== '__proto__') }),
    fc.record({
      kind: fc.constant('wrong-type' as const),
      field: fc.constantFrom('action' as const, 'subject' as const, 'conditions' as const, 'fields' as const, 'inverted' as const, 'reason' as const, 'roles' as const, 'version' as const),
      value: fc.oneof(fc.integer(), fc.constant([]), fc.constant(null), fc.double(), fc.constant({ nested: { deeper: 1 } }), fc.constant(true)),
      where,
    }),
  );

  /** Every object of the document (root, roles, rules, conditions, operator objects), so traps land at any depth. */
  function objectsOf(node: unknown, into: Record<string, unknown>[] = []): Record<string, unknown>[] {
    if (node !== null && typeof node === 'object') {
      if (!Array.isArray(node)) into.push(node as Record<string, unknown>);
      for (const child of Object.values(node)) objectsOf(child, into);
    }
    return into;
  }

  function rulesOf(document: LooseDocument): Record<string, unknown>[] {
    return ROLES.flatMap((role) => document.roles[role]!);
  }

  function withWrongType(value: unknown, field: string): unknown {
    // Values that happen to be valid for the field would not be a trap; swap them for an always-wrong one.
    if (field === 'inverted' && typeof value === 'boolean') return 'true';
    if (field === 'reason' && typeof value === 'string') return 42;
    return value === null && (field === 'conditions' || field === 'fields' || field === 'reason' || field === 'inverted') ? { nested: { deeper: 1 } } : value;
  }

  function plant(trapToPlant: Trap): unknown {
    const document = shippedPolicy();
    const objects = objectsOf(document);
    const rules = rulesOf(document);
    switch (trapToPlant.kind) {
      case 'prototype-key': {
        const target = objects[trapToPlant.where % objects.length]!;
        // defineProperty creates an own "__proto__" key, exactly what JSON.parse produces from hostile text.
        Object.defineProperty(target, trapToPlant.key, { value: trapToPlant.payload, enumerable: true, configurable: true, writable: true });
        return document;
      }
      case 'altered-prototype': {
        const target = objects[trapToPlant.where % objects.length]!;
        Object.setPrototypeOf(target, { isAdmin: true });
        return document;
      }
      case 'unknown-action':
        rules[trapToPlant.where % rules.length]!['action'] = trapToPlant.value;
        return document;
      case 'unknown-subject':
        rules[trapToPlant.where % rules.length]!['subject'] = [trapToPlant.value];
        return document;
      case 'unknown-role':
        document.roles[trapToPlant.value] = [];
        return document;
      case 'wrong-type': {
        const value = withWrongType(trapToPlant.value, trapToPlant.field);
        if (trapToPlant.field === 'roles' || trapToPlant.field === 'version') (document as Record<string, unknown>)[trapToPlant.field] = trapToPlant.field === 'version' && value === 1 ? '1' : value;
        else rules[trapToPlant.where % rules.length]![trapToPlant.field] = value;
        return document;
      }
    }
  }

  const snapshotPrototypes = () =>
    [Object.prototype, Array.prototype, Function.prototype].map((proto) =>
      Object.getOwnPropertyNames(proto).map((name) => {
        const d = Object.getOwnPropertyDescriptor(proto, name)!;
        return [name, d.value ?? d.get, d.set, d.writable, d.enumerable];
      }),
    );

  it('rejects 1,000 trap documents before CASL, leaving Object.prototype unchanged', () => {
    const before = snapshotPrototypes();
    createAbility.mockClear();
    let tried = 0;
    let held = 0;
    fc.assert(
      fc.property(trap, (trapToPlant) => {
        tried++;
        const document = plant(trapToPlant);
        let thrown: unknown;
        try {
          new AbilityFactory(loadPolicyDocument(document)).abilityFor({ id: 'p', role: 'admin', kind: 'api-key' });
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(KairosError);
        expect((thrown as KairosError).code).toBe('VALIDATION_FAILED');
        expect(createAbility).not.toHaveBeenCalled();
        expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
        held++;
      }),
      { numRuns: 1_000 },
    );
    expect(snapshotPrototypes()).toEqual(before);
    expect({ tried, held }).toEqual({ tried: 1_000, held: 1_000 });
  });

  it('the spy can see CASL being called, so the assertion above can fail', () => {
    createAbility.mockClear();
    new AbilityFactory(loadPolicyFile()).abilityFor({ id: 'p', role: 'admin', kind: 'api-key' });
    expect(createAbility).toHaveBeenCalledTimes(1);
  });

  it('accepts generated valid documents (the loader does not reject everything)', () => {
    let accepted = 0;
    const rule = fc.record(
      {
        action: fc.constantFrom(...ACTIONS),
        subject: fc.constantFrom(...SUBJECTS),
        conditions: fc.dictionary(fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,8}$/), fc.oneof(fc.string({ maxLength: 10 }).filter((s) => !s.includes('${')), fc.integer(), fc.constant('${principal.id}')), { minKeys: 1, maxKeys: 3 }),
        inverted: fc.boolean(),
      },
      { requiredKeys: ['action', 'subject'] },
    );
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 6 }), (rules) => {
        const document = { version: 1, roles: Object.fromEntries(ROLES.map((role) => [role, rules.filter((r) => !r.conditions || !['constructor', 'prototype'].some((key) => Object.hasOwn(r.conditions!, key)))])) };
        const policy = loadPolicyDocument(document);
        accepted++;
        expect(new AbilityFactory(policy).abilityFor({ id: 'p', role: 'dpo', kind: 'api-key' })).toBeDefined();
      }),
      { numRuns: 200 },
    );
    expect(accepted).toBe(200);
  });

  it('requires a CASL release with the CVE-2026-1774 prototype pollution fix (>= 6.7.5)', () => {
    const { version } = JSON.parse(readFileSync(join(dirname(require.resolve('@casl/ability')), '../../package.json'), 'utf8')) as { version: string };
    const [major, minor, patch] = version.split('.').map((part) => Number.parseInt(part, 10)) as [number, number, number];
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(6_007_005);
  });
});
