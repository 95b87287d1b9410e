import fc from 'fast-check';
import { CONSENT_CHANNELS, CONSENT_PURPOSES, ConsentChannel } from '@kairos/contracts';
import { auditConsentSnapshot } from './audit-consent-snapshot';
import { may } from './consent-decision';
import { DEFAULT_CONSENT_POLICY } from './consent-policy';
import { CONSENT_STATUSES, ConsentChange, ConsentState, ObjectionChange, emptyConsentState, erasedConsentState, evolveConsentState } from './consent-state';

const AT = Date.UTC(2026, 10, 23);
const CHANNELS: readonly (ConsentChannel | null)[] = [...CONSENT_CHANNELS, null];

function given(...changes: readonly (ConsentChange | ObjectionChange)[]): ConsentState {
  return changes.reduce(evolveConsentState, emptyConsentState());
}

describe('may', () => {
  it('denies a consent-based purpose with nothing recorded, naming purpose and channel', () => {
    expect(may(emptyConsentState(), 'marketing', 'email', AT)).toMatchObject({ allowed: false, reason: 'consent_missing:marketing:email', asOfOffset: -1, atMs: AT });
    expect(may(emptyConsentState(), 'profiling', null, AT).reason).toBe('consent_missing:profiling:any');
  });

  it('lets a channel-specific status override the any-channel one, both ways', () => {
    const state = given({ purpose: 'marketing', status: 'given', offset: 1 }, { purpose: 'marketing', channel: 'sms', status: 'withdrawn', offset: 2 });
    expect(may(state, 'marketing', 'email', AT)).toMatchObject({ allowed: true, reason: 'consent_given:marketing:any', asOfOffset: 2 });
    expect(may(state, 'marketing', 'sms', AT)).toMatchObject({ allowed: false, reason: 'consent_withdrawn:marketing:sms' });
    const onlySms = given({ purpose: 'marketing', status: 'refused', offset: 1 }, { purpose: 'marketing', channel: 'sms', status: 'given', offset: 2 });
    expect(may(onlySms, 'marketing', 'sms', AT).allowed).toBe(true);
    expect(may(onlySms, 'marketing', 'push', AT)).toMatchObject({ allowed: false, reason: 'consent_refused:marketing:any' });
    expect(may(onlySms, 'marketing', null, AT).allowed).toBe(false);
  });

  it('G2: after an objection to direct marketing, marketing is denied on every channel whatever was consented', () => {
    const state = given(
      { purpose: 'marketing', status: 'given', offset: 1 },
      ...CONSENT_CHANNELS.map((channel, i) => ({ purpose: 'marketing' as const, channel, status: 'given' as const, offset: 2 + i })),
      { scope: 'direct_marketing', offset: 20 },
      { purpose: 'marketing', status: 'given', offset: 21 },
    );
    for (const channel of CHANNELS) expect(may(state, 'marketing', channel, AT)).toMatchObject({ allowed: false, reason: 'objected:direct_marketing' });
    expect(auditConsentSnapshot(state).objections).toEqual(['direct_marketing']);
  });

  it('an objection to profiling denies profiling and AI personalisation, not service', () => {
    const consented = CONSENT_PURPOSES.map((purpose, i) => ({ purpose, status: 'given' as const, offset: i }));
    const state = given(...consented, { scope: 'profiling', offset: 9 });
    expect(may(state, 'profiling', null, AT).reason).toBe('objected:profiling');
    expect(may(state, 'ai_personalization', 'app', AT).reason).toBe('objected:profiling');
    expect(may(state, 'marketing', 'email', AT).allowed).toBe(true);
    expect(may(state, 'service', 'call_center', AT)).toMatchObject({ allowed: true, reason: 'legal_basis:contract:service' });
  });

  it('needs no consent for contract and legal obligation, honours a withdrawal for legitimate interests', () => {
    expect(may(emptyConsentState(), 'risk', null, AT)).toMatchObject({ allowed: true, reason: 'legal_basis:legal_obligation:risk' });
    expect(may(emptyConsentState(), 'analytics', null, AT)).toMatchObject({ allowed: true, reason: 'legal_basis:legitimate_interests:analytics' });
    const withdrawn = given({ purpose: 'analytics', status: 'withdrawn', offset: 4 });
    expect(may(withdrawn, 'analytics', null, AT)).toMatchObject({ allowed: false, reason: 'consent_withdrawn:analytics:any' });
  });

  it('denies everything for an erased customer and any purpose the policy does not know', () => {
    for (const purpose of DEFAULT_CONSENT_POLICY.keys()) expect(may(erasedConsentState(), purpose, 'email', AT)).toMatchObject({ allowed: false, reason: 'erased' });
    expect(may(given({ purpose: 'marketing', status: 'given', offset: 1 }), 'lead_generation', 'email', AT)).toMatchObject({ allowed: false, reason: 'purpose_unknown:lead_generation' });
  });

  it('allows a consent-based purpose exactly when the deciding status is given and no objection stops it (property)', () => {
    const change = fc.oneof(
      fc.record({
        purpose: fc.constantFrom(...CONSENT_PURPOSES),
        channel: fc.constantFrom(...CHANNELS),
        status: fc.constantFrom('given' as const, 'withdrawn' as const, 'refused' as const),
        offset: fc.nat(),
      }),
      fc.record({ scope: fc.constantFrom('direct_marketing' as const, 'profiling' as const), offset: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(change, { maxLength: 30 }), fc.constantFrom(...CONSENT_PURPOSES), fc.constantFrom(...CHANNELS), (changes, purpose, channel) => {
        const state = given(...changes);
        const rule = DEFAULT_CONSENT_POLICY.get(purpose)!;
        // Reference: the last change for (purpose, channel) wins, else the last for (purpose, any).
        const last = (scope: ConsentChannel | null) => [...changes].reverse().find((c) => 'purpose' in c && c.purpose === purpose && c.channel === scope) as ConsentChange | undefined;
        const deciding = (channel !== null ? last(channel) : undefined) ?? last(null);
        const objected = rule.objectionScopes.some((scope) => changes.some((c) => 'scope' in c && c.scope === scope));
        const expected = rule.legalBasis === 'consent' ? !objected && deciding?.status === 'given' : !objected && !(deciding && deciding.status !== 'given');
        expect(may(state, purpose, channel, AT).allowed).toBe(expected);
        const snapshot = auditConsentSnapshot(state);
        expect(snapshot.grants.every((grant) => CONSENT_STATUSES.includes(grant.status as never) && grant.status !== 'unknown')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
