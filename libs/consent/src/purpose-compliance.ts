import { ConsentChannel, KairosError } from '@kairos/contracts';
import { ConsentDecision, may } from './consent-decision';
import { ConsentState } from './consent-state';
import { PurposeRegistry } from './purpose-registry';

export const PURPOSE_VIOLATION_RULES = [
  /** A rule set or model must say what it is for. */
  'no_purpose_declared',
  'unknown_purpose',
  /** The feature is not in the record of processing, so nothing says what data it holds. */
  'feature_not_in_record',
  /** The record does not list this purpose for the feature. */
  'purpose_not_declared_for_feature',
  /** The purpose's legal basis does not cover this data category (purpose limitation, Art. 5(1)(b)). */
  'no_legal_basis_for_data_category',
] as const;
export type PurposeViolationRule = (typeof PURPOSE_VIOLATION_RULES)[number];

export interface PurposeViolation {
  readonly feature: string | null;
  readonly dataCategory: string | null;
  readonly purpose: string | null;
  readonly rule: PurposeViolationRule;
}

export interface PurposeUse {
  /** The purposes the rule set, model or decision serves. */
  readonly purposes: readonly string[];
  /** The profile features it reads. */
  readonly featuresUsed: readonly string[];
}

/**
 * Purpose limitation at deploy and upload time: every feature read for every purpose must be in the record of
 * processing, declared for that purpose, and hold only data categories the purpose's legal basis covers.
 * Returns every violation (empty: compliant). Rule-set deploy and model upload refuse with PURPOSE_VIOLATION.
 */
export function checkPurposeCompliance(registry: PurposeRegistry, use: PurposeUse): PurposeViolation[] {
  const violations: PurposeViolation[] = [];
  if (use.purposes.length === 0) violations.push({ feature: null, dataCategory: null, purpose: null, rule: 'no_purpose_declared' });
  for (const purposeId of new Set(use.purposes)) {
    const purpose = registry.purposes.get(purposeId);
    if (purpose === undefined) {
      violations.push({ feature: null, dataCategory: null, purpose: purposeId, rule: 'unknown_purpose' });
      continue;
    }
    for (const feature of new Set(use.featuresUsed)) {
      const recorded = registry.features.get(feature);
      if (recorded === undefined) {
        violations.push({ feature, dataCategory: null, purpose: purposeId, rule: 'feature_not_in_record' });
        continue;
      }
      if (!recorded.purposes.includes(purposeId)) violations.push({ feature, dataCategory: null, purpose: purposeId, rule: 'purpose_not_declared_for_feature' });
      for (const category of recorded.dataCategories) {
        if (!purpose.dataCategories.includes(category)) violations.push({ feature, dataCategory: category, purpose: purposeId, rule: 'no_legal_basis_for_data_category' });
      }
    }
  }
  return violations;
}

/**
 * The record's own consistency: every feature, model and action it lists must only pair data categories with
 * purposes whose legal basis covers them. `feature` names the use as `features.<name>`, `models.<id>` or
 * `actions.<id>`. Empty for a record a DPO can sign.
 */
export function recordViolations(registry: PurposeRegistry): PurposeViolation[] {
  const violations: PurposeViolation[] = [];
  for (const kind of ['features', 'models', 'actions'] as const) {
    for (const [name, use] of registry[kind]) {
      for (const purposeId of use.purposes) {
        const covered = registry.purposes.get(purposeId)?.dataCategories ?? [];
        for (const category of use.dataCategories) {
          if (!covered.includes(category)) violations.push({ feature: `${kind}.${name}`, dataCategory: category, purpose: purposeId, rule: 'no_legal_basis_for_data_category' });
        }
      }
    }
  }
  return violations;
}

/** `checkPurposeCompliance`, throwing PURPOSE_VIOLATION (422) with one issue per violation. */
export function assertPurposeCompliance(registry: PurposeRegistry, use: PurposeUse): void {
  const violations = checkPurposeCompliance(registry, use);
  if (violations.length === 0) return;
  throw new KairosError(
    'PURPOSE_VIOLATION',
    `${violations.length} purpose limitation violation(s); first: ${describe(violations[0])}`,
    violations.map((violation) => ({ path: violation.feature === null ? 'purposes' : `features.${violation.feature}`, rule: violation.rule, message: describe(violation) })),
  );
}

export interface ProcessingRequest {
  readonly purpose: string;
  readonly featuresUsed: readonly string[];
  readonly channel: ConsentChannel | null;
  readonly atMs: number;
}

export interface ProcessingAuthorization {
  readonly allowed: boolean;
  readonly consent: ConsentDecision;
  readonly violations: readonly PurposeViolation[];
}

/**
 * The full check before one customer's data is used: purpose limitation for the features read, then the
 * customer's consent and objections for the purpose. Allowed only when both pass.
 */
export function authorizeProcessing(registry: PurposeRegistry, state: ConsentState, request: ProcessingRequest): ProcessingAuthorization {
  const violations = checkPurposeCompliance(registry, { purposes: [request.purpose], featuresUsed: request.featuresUsed });
  const consent = may(state, request.purpose, request.channel, request.atMs, registry.policy);
  return { allowed: violations.length === 0 && consent.allowed, consent, violations };
}

function describe(violation: PurposeViolation): string {
  const parts = [violation.feature && `feature ${violation.feature}`, violation.dataCategory && `data category ${violation.dataCategory}`, violation.purpose && `purpose ${violation.purpose}`];
  return `${violation.rule} (${parts.filter(Boolean).join(', ') || 'no purpose'})`;
}
