import { ObjectionScope } from './consent-state';

/** The lawful bases of Art. 6(1) GDPR, (a) to (f). */
export const LEGAL_BASES = ['consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests'] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/** How the decision path treats one purpose: its legal basis and the objections that stop it. */
export interface PurposeRule {
  readonly legalBasis: LegalBasis;
  /**
   * Objections that stop the purpose. Art. 21(1) lets a subject object to processing based on (e) or (f);
   * Art. 21(2)–(3) to direct marketing whatever the basis, including profiling related to it.
   */
  readonly objectionScopes: readonly ObjectionScope[];
}

/** Purpose id → rule. Built from the record of processing (governance/purposes.json) by `consentPolicyOf`. */
export type ConsentPolicy = ReadonlyMap<string, PurposeRule>;

/**
 * The rules of the six purposes Kairos ships with, identical to governance/purposes.json (a test holds them
 * equal). Marketing, profiling and AI personalisation rest on consent, as German banks obtain it for
 * advertising and for analysing data for personal offers; analytics on legitimate interests (aggregate
 * statistics); service on the contract; risk on legal obligations (fraud prevention, KWG/GwG).
 */
export const DEFAULT_CONSENT_POLICY: ConsentPolicy = new Map<string, PurposeRule>([
  ['marketing', { legalBasis: 'consent', objectionScopes: ['direct_marketing'] }],
  ['profiling', { legalBasis: 'consent', objectionScopes: ['profiling', 'direct_marketing'] }],
  ['ai_personalization', { legalBasis: 'consent', objectionScopes: ['profiling', 'direct_marketing'] }],
  ['analytics', { legalBasis: 'legitimate_interests', objectionScopes: [] }],
  ['service', { legalBasis: 'contract', objectionScopes: [] }],
  ['risk', { legalBasis: 'legal_obligation', objectionScopes: [] }],
]);
