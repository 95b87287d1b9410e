import type { FeatureRegistry, FeatureValue, ProfileState } from '@kairos/profile';
import type { FeatureSource } from './decision-ports';

/**
 * The usual feature source: registry features read from the customer's profile as of the decision time (null
 * for a customer without events), anything else from `external` (the catalog's external features). A name in
 * neither is unknown (`undefined`), which the pipeline records and treats as missing.
 */
export function profileFeatureSource(
  registry: FeatureRegistry,
  state: ProfileState | undefined,
  atMs: number,
  external: (name: string) => FeatureValue | undefined = () => undefined,
): FeatureSource {
  return (name) => (registry.has(name) ? (state ? registry.read(state, name, atMs) : null) : external(name));
}
