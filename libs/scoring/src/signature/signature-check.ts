import type { ValidationIssue } from '@kairos/contracts';
import type { FeaturePurpose, FeatureRegistry } from '@kairos/profile';
import type { ModelSignature } from './model-signature.schema';

/**
 * Attributes that may be collected to monitor fairness but must never drive a score (disparate treatment). A
 * feature whose name carries one of these words is refused as a model input whatever its registry entry says.
 */
export const MONITORING_ONLY_ATTRIBUTES = ['gender', 'sex', 'ethnicity', 'religion', 'nationality'] as const;

const REGISTRY_TYPE_FOR_INPUT = { number: 'number', boolean: 'boolean', timestamp: 'timestamp', string: 'string' } as const;

/**
 * Everything that makes a signature unusable with `registry` for `purposes`: unknown features, type mismatches,
 * features not declared for every purpose of the model (purpose limitation), sensitive or monitoring-only inputs,
 * and impute values that do not fit their feature. Empty when the model may be deployed.
 */
export function checkSignature(signature: ModelSignature, purposes: readonly FeaturePurpose[], registry: FeatureRegistry): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (purposes.length === 0) issues.push({ path: 'purposes', rule: 'required', message: 'a model declares at least one purpose' });
  signature.inputs.forEach((input, index) => {
    const path = `signature.inputs[${index}]`;
    if (MONITORING_ONLY_ATTRIBUTES.some((word) => input.name.split('_').includes(word))) {
      issues.push({ path: `${path}.name`, rule: 'monitoring_only', message: `${input.name} may be used to monitor fairness, never as a model input` });
      return;
    }
    if (!registry.has(input.name)) {
      issues.push({ path: `${path}.name`, rule: 'unknown_feature', message: `no feature named ${input.name} in the feature registry` });
      return;
    }
    const definition = registry.definition(input.name);
    if (definition.type !== REGISTRY_TYPE_FOR_INPUT[input.type]) {
      issues.push({ path: `${path}.type`, rule: 'type_mismatch', message: `${input.name} is a ${definition.type} feature, not ${input.type}` });
    }
    if (definition.personalData === 'sensitive') {
      issues.push({ path: `${path}.name`, rule: 'sensitive_input', message: `${input.name} holds sensitive personal data and may not be a model input` });
    }
    const notAllowed = purposes.filter((purpose) => !definition.purposes.includes(purpose));
    if (notAllowed.length > 0) {
      issues.push({
        path: `${path}.name`,
        rule: 'purpose_not_allowed',
        message: `${input.name} is not declared for purpose(s) ${notAllowed.join(', ')} (allowed: ${definition.purposes.join(', ')})`,
      });
    }
    if (input.missing.strategy === 'impute' && !imputeFits(input.type, input.missing.value)) {
      issues.push({ path: `${path}.missing.value`, rule: 'impute_type', message: `the impute value does not fit a ${input.type} feature` });
    }
  });
  return issues;
}

function imputeFits(type: 'number' | 'boolean' | 'timestamp' | 'string', value: number | boolean | string): boolean {
  switch (type) {
    case 'number':
    case 'timestamp':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      // A value outside the categories encodes as all zeros: a legitimate "other".
      return typeof value === 'string';
  }
}
