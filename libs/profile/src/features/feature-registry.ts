import { createHash } from 'node:crypto';
import { KairosError, ValidationIssue } from '@kairos/contracts';
import type { ProfileState } from '../profile/profile-state';
import { readFeature } from '../profile/feature-reader';
import { AttributeFeatureDefinition, FeatureDefinition, FeatureValue } from './feature-definition';
import { CompiledFeature, ProfileLayout } from './feature-layout';
import { buildFeatureLayout } from './feature-layout-builder';
import { ValidatedEventFeature, validateFeatureDefinition } from './feature-validation';
import { HOUR_MS } from './feature-window';

export const DEFAULT_LATE_TOLERANCE_MS = 24 * HOUR_MS;

/** Bumped whenever the meaning of stored cells changes, so snapshots of an older layout are refused, not misread. */
const LAYOUT_VERSION = 1;

export interface FeatureRegistryOptions {
  /**
   * How far behind the customer's newest event an event may occur and still be folded into sliding windows
   * (ms, default 24 h). Later ones count in lifetime aggregates only, and in `lateBeyondTolerance`.
   */
  readonly lateToleranceMs?: number;
}

/** A registry definition was refused; `issues` name each feature field and rule. */
export class FeatureRegistryError extends KairosError {
  constructor(issues: readonly ValidationIssue[]) {
    super('VALIDATION_FAILED', `feature registry refused: ${issues.length} problem(s)`, issues);
    this.name = 'FeatureRegistryError';
  }
}

/**
 * The only way rules, triggers and models read a customer's features: by name, as of a time. Immutable; a store
 * is bound to the registry it was built with, and snapshots carry its fingerprint.
 */
export class FeatureRegistry {
  private readonly byName: ReadonlyMap<string, CompiledFeature>;

  /** Use `createFeatureRegistry`, which validates. */
  constructor(
    readonly definitions: readonly FeatureDefinition[],
    readonly lateToleranceMs: number,
    readonly layout: ProfileLayout,
    /** Each feature with its storage, in definition order. */
    readonly compiled: readonly CompiledFeature[],
    /** SHA-256 (hex) over the definitions, tolerance and layout version. */
    readonly fingerprint: string,
  ) {
    this.byName = new Map(compiled.map((feature) => [feature.name, feature]));
  }

  get names(): string[] {
    return this.definitions.map((definition) => definition.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  definition(name: string): FeatureDefinition {
    return this.feature(name).definition;
  }

  /** The value of `name` for `state` as of `atMs`; sliding windows end at `atMs` (see `readFeature` for the exact rule). */
  read(state: ProfileState, name: string, atMs: number): FeatureValue {
    this.assertOwns(state);
    return readFeature(state, this.feature(name), atMs);
  }

  /** Every feature, by name. */
  readAll(state: ProfileState, atMs: number): Record<string, FeatureValue> {
    this.assertOwns(state);
    const values: Record<string, FeatureValue> = {};
    for (const feature of this.byName.values()) values[feature.name] = readFeature(state, feature, atMs);
    return values;
  }

  private feature(name: string): CompiledFeature {
    const feature = this.byName.get(name);
    if (!feature) throw new FeatureRegistryError([{ path: 'feature', rule: 'unknown_feature', message: `no feature named ${name}` }]);
    return feature;
  }

  private assertOwns(state: ProfileState): void {
    const other = state.store.registry;
    if (other !== this && other.fingerprint !== this.fingerprint) {
      throw new KairosError('INTERNAL', 'profile was built with a different feature registry');
    }
  }
}

/** Validates every definition (collecting all problems) and compiles the registry; throws `FeatureRegistryError`. */
export function createFeatureRegistry(definitions: readonly FeatureDefinition[], options: FeatureRegistryOptions = {}): FeatureRegistry {
  const issues: ValidationIssue[] = [];
  const lateToleranceMs = options.lateToleranceMs ?? DEFAULT_LATE_TOLERANCE_MS;
  if (!Number.isFinite(lateToleranceMs) || lateToleranceMs < 0) {
    issues.push({ path: 'options.lateToleranceMs', rule: 'late_tolerance', message: 'lateToleranceMs must be a finite number of ms, at least 0' });
  }
  const seen = new Set<string>();
  const validated: (ValidatedEventFeature | AttributeFeatureDefinition)[] = [];
  definitions.forEach((definition, index) => {
    if (seen.has(definition.name)) {
      issues.push({ path: `features[${index}].name`, rule: 'duplicate_name', message: `feature ${definition.name} is defined twice` });
    }
    seen.add(definition.name);
    const result = validateFeatureDefinition(definition, `features[${index}]`, issues);
    if (result) validated.push(result);
  });
  if (issues.length > 0) throw new FeatureRegistryError(issues);

  const { layout, compiled } = buildFeatureLayout(validated);
  const frozen = definitions.map((definition) => Object.freeze({ ...definition }));
  return new FeatureRegistry(Object.freeze(frozen), lateToleranceMs, layout, compiled, fingerprintOf(frozen, lateToleranceMs));
}

/** Only what decides storage and values: editing a description or purpose must not force a full replay. */
const METADATA_KEYS = new Set(['description', 'purposes', 'personalData']);

function fingerprintOf(definitions: readonly FeatureDefinition[], lateToleranceMs: number): string {
  const storageRelevant = definitions.map((definition) =>
    Object.fromEntries(
      Object.entries(definition)
        .filter(([key]) => !METADATA_KEYS.has(key))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
  );
  const canonical = JSON.stringify({ layout: LAYOUT_VERSION, lateToleranceMs, definitions: storageRelevant });
  return createHash('sha256').update(canonical).digest('hex');
}
