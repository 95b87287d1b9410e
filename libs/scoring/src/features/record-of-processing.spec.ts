import { loadPurposeRegistryFile } from '@kairos/consent';
import { DEFAULT_FEATURES } from '@kairos/profile';
import { SCORING_FEATURES } from './scoring-features';

/**
 * The record of processing (governance/purposes.json) and the serving feature registry (the default features plus
 * the ones the shipped models read) describe the same features: the
 * registry says what a feature is for, the record adds what data it holds. A feature missing from the record, or
 * declared for other purposes there, would let a deploy check pass on a description the DPO never saw.
 */
describe('record of processing ↔ serving feature registry', () => {
  const SERVED = [...DEFAULT_FEATURES, ...SCORING_FEATURES];
  const record = loadPurposeRegistryFile();

  it('lists every served feature with exactly the purposes the registry declares', () => {
    for (const feature of SERVED) {
      expect([feature.name, [...(record.features.get(feature.name)?.purposes ?? [])].sort()]).toEqual([feature.name, [...feature.purposes].sort()]);
    }
  });

  it('lists no feature the registry does not define', () => {
    const defined = new Set(SERVED.map((feature) => feature.name));
    expect([...record.features.keys()].filter((name) => !defined.has(name))).toEqual([]);
  });
});
