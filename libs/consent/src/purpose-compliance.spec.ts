import fc from 'fast-check';
import { CONSENT_CHANNELS, CONSENT_PURPOSES, ConsentChannel } from '@kairos/contracts';
import { LEGAL_BASES } from './consent-policy';
import { ConsentChange, ConsentState, OBJECTION_SCOPES, ObjectionChange, emptyConsentState, evolveConsentState, isConsentPurpose } from './consent-state';
import { assertPurposeCompliance, authorizeProcessing, checkPurposeCompliance } from './purpose-compliance';
import { PurposeRegistry, loadPurposeRegistry, loadPurposeRegistryFile } from './purpose-registry';

const AT = Date.UTC(2026, 10, 23);

describe('purpose compliance', () => {
  const registry = loadPurposeRegistryFile();

  it('accepts features read for purposes they are declared for and whose categories the basis covers', () => {
    expect(checkPurposeCompliance(registry, { purposes: ['marketing'], featuresUsed: ['holds_checking_account', 'age', 'card_spend_sum_30d'] })).toEqual([]);
    expect(checkPurposeCompliance(registry, { purposes: ['service'], featuresUsed: ['atm_pin_failed_count_10m', 'card_locked'] })).toEqual([]);
  });

  it('names feature, data category, purpose and rule of every violation', () => {
    expect(checkPurposeCompliance(registry, { purposes: ['marketing', 'telepathy'], featuresUsed: ['card_locked', 'shoe_size'] })).toEqual([
      { feature: 'card_locked', dataCategory: null, purpose: 'marketing', rule: 'purpose_not_declared_for_feature' },
      { feature: 'card_locked', dataCategory: 'security_events', purpose: 'marketing', rule: 'no_legal_basis_for_data_category' },
      { feature: 'shoe_size', dataCategory: null, purpose: 'marketing', rule: 'feature_not_in_record' },
      { feature: null, dataCategory: null, purpose: 'telepathy', rule: 'unknown_purpose' },
    ]);
    expect(checkPurposeCompliance(registry, { purposes: [], featuresUsed: ['age'] })).toEqual([{ feature: null, dataCategory: null, purpose: null, rule: 'no_purpose_declared' }]);
  });

  it('refuses with PURPOSE_VIOLATION (422), one issue per violation', () => {
    expect(() => assertPurposeCompliance(registry, { purposes: ['risk'], featuresUsed: ['age'] })).toThrow(
      expect.objectContaining({ code: 'PURPOSE_VIOLATION', status: 422, issues: expect.arrayContaining([expect.objectContaining({ path: 'features.age', rule: 'no_legal_basis_for_data_category' })]) }),
    );
    expect(() => assertPurposeCompliance(registry, { purposes: ['risk'], featuresUsed: ['card_locked'] })).not.toThrow();
  });

  it('G6: over 1,000 generated policies and consent states, no feature lacking a legal basis for its (data category, purpose) is ever allowed', () => {
    let allowed = 0;
    let violations = 0;
    let refusedForBasis = 0;
    fc.assert(
      fc.property(scenario, ({ document, changes, request }) => {
        const policy = loadPurposeRegistry(document);
        const state = changes.reduce(evolveConsentState, emptyConsentState());
        const verdict = authorizeProcessing(policy, state, { ...request, atMs: AT });
        const basisOk = request.featuresUsed.every((feature) => hasLegalBasis(document, feature, request.purpose));
        const consentOk = consentAllows(policy, state, request.purpose, request.channel);
        if (verdict.allowed) allowed++;
        if (verdict.allowed && !basisOk) violations++;
        if (!basisOk) refusedForBasis++;
        // Sound (never allows what lacks a basis or consent) and complete (allows what has both).
        expect(verdict.allowed).toBe(basisOk && consentOk);
      }),
      { numRuns: 1_000 },
    );
    expect(violations).toBe(0);
    // The generator must exercise both outcomes, or the property proves nothing.
    expect(allowed).toBeGreaterThan(50);
    expect(refusedForBasis).toBeGreaterThan(50);
  });
});

/* ---------------- generators and an independent oracle ---------------- */

const PURPOSES = ['marketing', 'profiling', 'ai_personalization', 'analytics', 'service', 'risk'] as const;
const CATEGORIES = ['c_demo', 'c_tx', 'c_products', 'c_behaviour', 'c_contact'] as const;
const FEATURES = ['f_a', 'f_b', 'f_c', 'f_d', 'f_e', 'f_f'] as const;
const subset = <T>(items: readonly T[]) => fc.subarray([...items], { minLength: 1 });
const localized = { de: 'x', en: 'x' };

const purposeArbitrary = (id: (typeof PURPOSES)[number]) =>
  fc.record({
    legalBasis: isConsentPurpose(id) ? fc.constantFrom(...LEGAL_BASES) : fc.constantFrom(...LEGAL_BASES.filter((basis) => basis !== 'consent')),
    objectionScopes: fc.subarray([...OBJECTION_SCOPES]),
    dataCategories: subset(CATEGORIES),
  }).map((rule) => ({ id, names: localized, descriptions: localized, legalReference: 'Art. 6 GDPR', retention: 'retention:test', ...rule }));

const documentArbitrary = fc.record({
  purposes: fc.tuple(...PURPOSES.map(purposeArbitrary)),
  features: fc.tuple(...FEATURES.map(() => fc.option(fc.record({ dataCategories: subset(CATEGORIES), purposes: subset(PURPOSES) }), { nil: undefined, freq: 6 }))),
}).map(({ purposes, features }) => ({
  version: 1,
  controller: { id: 'test_bank', name: 'Test Bank', contact: 'dpo@test.example' },
  dataCategories: CATEGORIES.map((id) => ({ id, names: localized, descriptions: localized, personalData: 'pseudonymous', retention: 'retention:test' })),
  purposes,
  features: Object.fromEntries(FEATURES.flatMap((name, i) => (features[i] ? [[name, features[i]]] : []))),
  models: {},
  actions: {},
}));

interface Document {
  readonly purposes: readonly { readonly id: string; readonly dataCategories: readonly string[] }[];
  readonly features: Readonly<Record<string, { readonly dataCategories: readonly string[]; readonly purposes: readonly string[] } | undefined>>;
}

const change: fc.Arbitrary<ConsentChange | ObjectionChange> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ purpose: fc.constantFrom(...CONSENT_PURPOSES), channel: fc.constantFrom<ConsentChannel | null>(...CONSENT_CHANNELS, null), status: fc.constantFrom('given' as const, 'withdrawn' as const, 'refused' as const), offset: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ scope: fc.constantFrom(...OBJECTION_SCOPES), offset: fc.nat() }) },
);

const scenario = fc.record({
  document: documentArbitrary,
  changes: fc.array(change, { maxLength: 12 }),
  request: fc.record({ purpose: fc.constantFrom(...PURPOSES), channel: fc.constantFrom<ConsentChannel | null>(...CONSENT_CHANNELS, null), featuresUsed: fc.subarray([...FEATURES, 'f_unmapped'], { maxLength: 3 }) }),
});

/** Written from the definition, not the implementation: mapped, declared for the purpose, every category covered. */
function hasLegalBasis(document: Document, feature: string, purpose: string): boolean {
  const use = Object.prototype.hasOwnProperty.call(document.features, feature) ? document.features[feature] : undefined;
  const covered = document.purposes.find((candidate) => candidate.id === purpose)?.dataCategories ?? [];
  return use !== undefined && use.purposes.includes(purpose) && use.dataCategories.every((category) => covered.includes(category));
}

function consentAllows(registry: PurposeRegistry, state: ConsentState, purpose: string, channel: ConsentChannel | null): boolean {
  const rule = registry.policy.get(purpose)!;
  if (rule.objectionScopes.some((scope) => state.objections[scope] !== null)) return false;
  if (!isConsentPurpose(purpose)) return rule.legalBasis !== 'consent';
  const statuses = state.purposes[purpose];
  const status = channel !== null && statuses[channel] !== 'unknown' ? statuses[channel] : statuses.any;
  if (rule.legalBasis === 'consent') return status === 'given';
  return rule.legalBasis !== 'legitimate_interests' || status === 'given' || status === 'unknown';
}
