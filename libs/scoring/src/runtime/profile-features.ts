import type { FeatureRegistry, FeatureValue, PartitionProfileStore, ProfileState } from '@kairos/profile';
import type { ModelSignature } from '../signature/model-signature.schema';

/**
 * The signature's features for one profile, read through the registry as of `atMs`: exactly what a point-in-time
 * dataset recorded for training, so serving and training see the same values. Reads only what the model needs.
 */
export function readSignatureFeatures(state: ProfileState, registry: FeatureRegistry, signature: ModelSignature, atMs: number): Record<string, FeatureValue> {
  const values: Record<string, FeatureValue> = {};
  for (const input of signature.inputs) values[input.name] = registry.has(input.name) ? registry.read(state, input.name, atMs) : null;
  return values;
}

/** The union of several signatures' feature names, each once: read once per customer, score with every model. */
export function signatureFeatureNames(signatures: readonly ModelSignature[]): string[] {
  return [...new Set(signatures.flatMap((signature) => signature.inputs.map((input) => input.name)))];
}

/** Every customer of a partition store with their features for `names`, as of `atMs` (batch scoring of a segment). */
export function* storeFeatureRows(
  store: PartitionProfileStore,
  names: readonly string[],
  atMs: number,
  include: (state: ProfileState) => boolean = () => true,
): Generator<{ readonly customerId: string; readonly features: Record<string, FeatureValue> }, void, undefined> {
  const registry = store.registry;
  const known = names.filter((name) => registry.has(name));
  for (let slot = 0; slot < store.size; slot++) {
    const state: ProfileState = { customerId: store.customerIdAt(slot), store, slot };
    if (!include(state)) continue;
    const features: Record<string, FeatureValue> = {};
    for (const name of known) features[name] = registry.read(state, name, atMs);
    yield { customerId: state.customerId, features };
  }
}
