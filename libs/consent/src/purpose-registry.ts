import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KairosError, ValidationIssue, fromZodIssues } from '@kairos/contracts';
import { ConsentPolicy, PurposeRule } from './consent-policy';
import { isConsentPurpose } from './consent-state';
import { forbiddenKeyIssues } from './forbidden-keys';
import { DataCategory, ProcessingUse, PurposeDefinition, PurposeRegistryDocument, purposeRegistrySchema } from './purpose-registry.schema';

/** Where the record of processing lives when the caller does not say, relative to the working directory. */
export const DEFAULT_PURPOSE_REGISTRY_FILE = 'governance/purposes.json';

/** The validated record of processing, indexed for the checks of the decision and deployment paths. */
export interface PurposeRegistry {
  readonly document: PurposeRegistryDocument;
  readonly purposes: ReadonlyMap<string, PurposeDefinition>;
  readonly dataCategories: ReadonlyMap<string, DataCategory>;
  readonly features: ReadonlyMap<string, ProcessingUse>;
  readonly models: ReadonlyMap<string, ProcessingUse>;
  readonly actions: ReadonlyMap<string, ProcessingUse>;
  /** The purpose rules `may` applies. */
  readonly policy: ConsentPolicy;
}

/**
 * Validates a record of processing: prototype keys are refused before anything else reads it, then the schema
 * (strict objects, known legal bases and objection scopes), then references (every purpose and data category a
 * use names exists; a consent-based purpose is one a consent can be recorded for). All problems at once.
 */
export function loadPurposeRegistry(raw: unknown): PurposeRegistry {
  const keyIssues = forbiddenKeyIssues(raw);
  if (keyIssues.length > 0) throw registryError(keyIssues);
  const parsed = purposeRegistrySchema.safeParse(raw);
  if (!parsed.success) throw registryError(fromZodIssues(parsed.error.issues));
  const document = parsed.data;
  const referenceIssues = checkReferences(document);
  if (referenceIssues.length > 0) throw registryError(referenceIssues);
  const purposes = new Map(document.purposes.map((purpose) => [purpose.id, purpose]));
  return Object.freeze({
    document,
    purposes,
    dataCategories: new Map(document.dataCategories.map((category) => [category.id, category])),
    features: new Map(Object.entries(document.features)),
    models: new Map(Object.entries(document.models)),
    actions: new Map(Object.entries(document.actions)),
    policy: new Map([...purposes].map(([id, purpose]): [string, PurposeRule] => [id, { legalBasis: purpose.legalBasis, objectionScopes: [...purpose.objectionScopes] }])),
  });
}

/** Reads and validates a record of processing file (JSON). */
export function loadPurposeRegistryFile(path: string = DEFAULT_PURPOSE_REGISTRY_FILE): PurposeRegistry {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch {
    throw registryError([{ path: '(root)', rule: 'invalid_json', message: `${path} is not readable JSON` }]);
  }
  return loadPurposeRegistry(raw);
}

function checkReferences(document: PurposeRegistryDocument): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const categories = new Set(document.dataCategories.map((category) => category.id));
  const purposes = new Set(document.purposes.map((purpose) => purpose.id));
  const duplicates = (list: readonly { id: string }[], path: string) =>
    list.forEach((item, index) => {
      if (list.findIndex((other) => other.id === item.id) !== index) issues.push({ path: `${path}[${index}].id`, rule: 'duplicate_id', message: `${item.id} is defined twice` });
    });
  duplicates(document.dataCategories, 'dataCategories');
  duplicates(document.purposes, 'purposes');

  const knownCategories = (list: readonly string[], path: string) =>
    list.forEach((category, index) => {
      if (!categories.has(category)) issues.push({ path: `${path}[${index}]`, rule: 'unknown_data_category', message: `no data category ${category}` });
    });
  document.purposes.forEach((purpose, index) => {
    knownCategories(purpose.dataCategories, `purposes[${index}].dataCategories`);
    if (purpose.legalBasis === 'consent' && !isConsentPurpose(purpose.id)) {
      issues.push({ path: `purposes[${index}].legalBasis`, rule: 'consent_not_recordable', message: `no consent can be recorded for ${purpose.id}; consent purposes are those of consent_changed` });
    }
  });
  for (const kind of ['features', 'models', 'actions'] as const) {
    for (const [name, use] of Object.entries(document[kind])) {
      knownCategories(use.dataCategories, `${kind}.${name}.dataCategories`);
      use.purposes.forEach((purpose, index) => {
        if (!purposes.has(purpose)) issues.push({ path: `${kind}.${name}.purposes[${index}]`, rule: 'unknown_purpose', message: `no purpose ${purpose} in the record` });
      });
    }
  }
  return issues;
}

function registryError(issues: readonly ValidationIssue[]): KairosError {
  const first = issues[0];
  return new KairosError('VALIDATION_FAILED', `record of processing rejected: ${first.path}: ${first.message}`, issues);
}
