import { KairosError } from '@kairos/contracts';
import { loadPolicyDocument, loadPolicyFile } from '../policy/policy-loader';
import type { Action, Principal, Role, SubjectName } from '../principal/access-vocabulary';
import { ROLES } from '../principal/access-vocabulary';
import { AbilityFactory } from './ability-factory';
import { assertCan, filterPermitted, subjectOf } from './subject-instance';

const factory = new AbilityFactory(loadPolicyFile());
const principalOf = (role: Role, id = `p-${role}`): Principal => (role === 'channel' ? { id, role, channel: 'web', kind: 'api-key' } : { id, role, kind: 'api-key' });

/** The policy table at type level (what the guard checks). `true` may still be narrowed by conditions per instance. */
const TABLE: ReadonlyArray<[Action, SubjectName, readonly Role[]]> = [
  ['read', 'Health', ROLES],
  ['read', 'ApiDocs', ROLES],
  ['read', 'Metrics', ['rule-modeler', 'data-scientist', 'admin']],
  ['create', 'Event', ['channel', 'admin']],
  ['read', 'Event', ['dpo', 'admin']],
  ['read', 'Profile', ['dpo', 'admin']],
  ['read', 'EventTrace', ['rule-modeler', 'dpo', 'admin']],
  ['create', 'Decision', ['channel', 'admin']],
  ['read', 'Decision', ['dpo']],
  ['read', 'Outbox', ['channel', 'admin']],
  ['update', 'Outbox', ['channel', 'admin']],
  ['read', 'Model', ['channel', 'rule-modeler', 'data-scientist', 'admin']],
  ['deploy', 'RuleSet', ['rule-modeler', 'admin']],
  ['update', 'Trigger', ['rule-modeler', 'admin']],
  ['create', 'Campaign', ['rule-modeler', 'admin']],
  ['deploy', 'Model', ['data-scientist', 'admin']],
  ['create', 'ContentDraft', ['content-author', 'admin']],
  ['update', 'ContentDraft', ['content-author', 'content-reviewer', 'admin']],
  ['approve', 'ContentDraft', ['content-reviewer']],
  ['reject', 'ContentDraft', ['content-reviewer']],
  ['read', 'Audit', ['dpo', 'admin']],
  ['verify', 'Audit', ['dpo', 'admin']],
  ['update', 'Audit', []],
  ['update', 'Consent', ['dpo', 'admin']],
  ['create', 'DataSubjectRequest', ['dpo', 'admin']],
  ['create', 'ApiKey', ['admin']],
  ['delete', 'ApiKey', ['admin']],
];

describe('ability factory: the policy table', () => {
  it.each(TABLE.flatMap(([action, subject, allowed]) => ROLES.map((role) => [role, action, subject, allowed.includes(role)] as const)))(
    '%s %s %s → %s',
    (role, action, subject, expected) => {
      expect(factory.abilityFor(principalOf(role)).can(action, subject)).toBe(expected);
    },
  );

  it('explains denials with the reason written in the policy', () => {
    const ability = factory.abilityFor(principalOf('channel'));
    expect(ability.relevantRuleFor('read', 'Audit')?.reason).toBe('channels never read the audit log');
  });

  it('caches per role and channel, and per principal only where the rules reference the principal id', () => {
    const web1 = factory.abilityFor({ id: 'a', role: 'channel', channel: 'web', kind: 'api-key' });
    const web2 = factory.abilityFor({ id: 'b', role: 'channel', channel: 'web', kind: 'jwt' });
    const ivr = factory.abilityFor({ id: 'a', role: 'channel', channel: 'ivr', kind: 'api-key' });
    expect(web2).toBe(web1);
    expect(ivr).not.toBe(web1);
    expect(factory.abilityFor(principalOf('dpo', 'x'))).toBe(factory.abilityFor(principalOf('dpo', 'y')));
    expect(factory.abilityFor(principalOf('content-author', 'x'))).not.toBe(factory.abilityFor(principalOf('content-author', 'y')));
  });

  it('bounds the cache', () => {
    const small = new AbilityFactory(loadPolicyFile(), 2);
    const first = small.abilityFor(principalOf('content-author', 'a'));
    small.abilityFor(principalOf('content-author', 'b'));
    small.abilityFor(principalOf('content-author', 'c'));
    expect(small.abilityFor(principalOf('content-author', 'a'))).not.toBe(first);
  });

  it('fails closed when a principal cannot fill a placeholder: granting rules drop, denying rules deny everything', () => {
    const policy = loadPolicyDocument({
      version: 1,
      roles: {
        ...Object.fromEntries(ROLES.map((role) => [role, []])),
        channel: [
          { action: 'read', subject: 'Decision', conditions: { channel: '${principal.channel}' } },
          { action: 'read', subject: 'Health' },
          { action: 'read', subject: 'Health', conditions: { channel: '${principal.channel}' }, inverted: true },
        ],
      },
    });
    const ability = new AbilityFactory(policy).abilityFor({ id: 'broken', role: 'channel', kind: 'api-key' });
    expect(ability.can('read', 'Decision')).toBe(false);
    expect(ability.can('read', 'Health')).toBe(false);
  });
});

/**
 * Z6: the CASL subject-type trap. With a conditional rule, `can(action, 'Type')` answers true ("some instance may be
 * allowed"), so the data access path must check the instance. For every conditional rule of the shipped policy
 * this builds an instance that satisfies the conditions and one that violates them.
 */
describe('Z6 subject-type trap regression', () => {
  const policy = loadPolicyFile();

  interface Case {
    readonly role: Role;
    readonly action: Action;
    readonly subject: SubjectName;
    readonly conditions: Record<string, unknown>;
    readonly inverted: boolean;
  }
  const cases: Case[] = ROLES.flatMap((role) =>
    policy.roles[role].flatMap((rule) =>
      rule.conditions === undefined
        ? []
        : [rule.action].flat().flatMap((action) =>
            [rule.subject].flat().map((subject) => ({ role, action, subject, conditions: rule.conditions as Record<string, unknown>, inverted: rule.inverted === true })),
          ),
    ),
  );

  const resolve = (value: unknown, principal: Principal): unknown =>
    value === '${principal.id}' ? principal.id : value === '${principal.channel}' ? principal.channel : value;

  /** An instance meeting every condition, and for each field one that breaks exactly that field. */
  function instancesFor(conditions: Record<string, unknown>, principal: Principal) {
    const matching: Record<string, unknown> = {};
    const violations: Record<string, unknown>[] = [];
    for (const [field, condition] of Object.entries(conditions)) {
      if (condition !== null && typeof condition === 'object' && '$ne' in condition) {
        matching[field] = 'someone-else';
        violations.push({ [field]: resolve((condition as { $ne: unknown }).$ne, principal) });
      } else {
        matching[field] = resolve(condition, principal);
        violations.push({ [field]: principal.role === 'channel' && field === 'channel' ? 'ivr' : 'someone-else' });
      }
    }
    return { matching, violating: violations.map((violation) => ({ ...matching, ...violation })) };
  }

  it('the shipped policy has conditional rules to test', () => {
    expect(cases.filter((c) => !c.inverted).length).toBeGreaterThanOrEqual(4);
  });

  it.each(cases.filter((c) => !c.inverted).map((c) => [c.role, c.action, c.subject, c] as const))('%s %s %s: the type check passes, only the instance check tells', (_r, _a, _s, c) => {
    const principal = principalOf(c.role);
    const ability = factory.abilityFor(principal);
    const { matching, violating } = instancesFor(c.conditions, principal);
    expect(ability.can(c.action, c.subject)).toBe(true);
    expect(ability.can(c.action, subjectOf(c.subject, matching))).toBe(true);
    for (const instance of violating) {
      expect(ability.can(c.action, subjectOf(c.subject, instance))).toBe(false);
      expect(() => assertCan(ability, c.action, subjectOf(c.subject, instance))).toThrow(KairosError);
    }
  });

  it('a web channel key cannot create an IVR decision or read the IVR feed although the type-level checks pass', () => {
    const web = factory.abilityFor(principalOf('channel'));
    const ivrDecision = { decisionId: 'd-1', channel: 'ivr', customerId: 'c-1' };
    expect(web.can('create', 'Decision')).toBe(true);
    expect(() => assertCan(web, 'create', subjectOf('Decision', ivrDecision))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(web.can('read', 'Outbox')).toBe(true);
    expect(() => assertCan(web, 'read', subjectOf('Outbox', ivrDecision))).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => assertCan(web, 'read', subjectOf('Outbox', { ...ivrDecision, channel: 'web' }))).not.toThrow();
  });

  it('list endpoints re-check every row: only the caller channel’s feed rows survive', () => {
    const web = factory.abilityFor(principalOf('channel'));
    const channels = ['web', 'ivr', 'app', 'web', 'atm', 'web', 'email'];
    const rows = Object.freeze(channels.map((channel, i) => Object.freeze({ decisionId: `d-${i}`, channel })));
    const visible = filterPermitted(web, 'read', 'Outbox', rows);
    expect(visible.map((row) => row.decisionId)).toEqual(['d-0', 'd-3', 'd-5']);
    expect(visible[0]).toBe(rows[0]);
  });

  it('a body claiming a subject type through CASL’s string tag does not choose the rules', () => {
    const web = factory.abilityFor(principalOf('channel'));
    const forged = JSON.parse('{"__caslSubjectType__":"Health","channel":"ivr"}') as object;
    expect(web.can('read', subjectOf('Decision', forged))).toBe(false);
    expect(() => web.can('read', forged as never)).toThrow(/subject type/);
  });

  it('four eyes: a reviewer cannot approve a draft they wrote or last edited', () => {
    const reviewer = factory.abilityFor(principalOf('content-reviewer', 'rev-1'));
    const draft = (authorId: string, lastEditorId: string) => subjectOf('ContentDraft', { draftId: 'x', authorId, lastEditorId });
    expect(reviewer.can('approve', draft('author-1', 'author-1'))).toBe(true);
    expect(reviewer.can('approve', draft('rev-1', 'author-1'))).toBe(false);
    expect(reviewer.can('approve', draft('author-1', 'rev-1'))).toBe(false);
    expect(factory.abilityFor(principalOf('admin')).can('approve', draft('author-1', 'author-1'))).toBe(false);
  });
});
