import { loadPurposeRegistryFile } from '@kairos/consent';
import { DEFAULT_FEATURES } from './default-feature-registry';

/**
 * The record of processing (governance/purposes.json) and the feature registry describe the same features: the
 * registry says what a feature is for, the record adds what data it holds. A feature missing from the record, or
 * declared for other purposes there, would let a deploy check pass on a description the DPO never saw.
 */
describe('record of processing ↔ default feature registry', () => {
  const record = loadPurposeRegistryFile();

  it('lists every default feature with exactly the purposes the registry declares', () => {
    for (const feature of DEFAULT_FEATURES) {
      expect([feature.name, [...(record.features.get(feature.name)?.purposes ?? [])].sort()]).toEqual([feature.name, [...feature.purposes].sort()]);
    }
  });

  it('lists no feature the registry does not define', () => {
    const defined = new Set(DEFAULT_FEATURES.map((feature) => feature.name));
    expect([...record.features.keys()].filter((name) => !defined.has(name))).toEqual([]);
  });
});
