import type { FeatureSource, ModelScore } from '@kairos/decisioning';
import type { ModelScorer, ScoreRequest, ScoreResult } from '@kairos/scoring';
import { CustomerScoreCache } from './customer-score-cache';
import type { LiveModel, LiveModelSet, LiveVersion } from './live-models';
import { ModelScoreSource } from './model-score-source';

/**
 * A synchronous scorer whose score is `weight · logins` and whose attribution is that product: it counts every
 * computation, so a test sees whether a score came from the model or from the cache.
 */
function countingScorer(weight: number): ModelScorer & { computed: number } {
  const scorer = {
    computed: 0,
    synchronous: true,
    card: { signature: { inputs: [{ name: 'logins_count_30d' }] } },
    scoreSync(request: ScoreRequest, options: { explain?: boolean } = {}): ScoreResult {
      scorer.computed++;
      const logins = Number(request.features['logins_count_30d'] ?? 0);
      const score = weight * logins;
      return {
        status: 'scored',
        customerId: request.customerId,
        asOfMs: request.asOfMs,
        scores: [{ name: 'credit_card', score }],
        imputed: [],
        ...(options.explain === false ? {} : { explanation: { outputs: [{ output: 'credit_card', attributions: [{ feature: 'logins_count_30d', contribution: score }] }], reasons: [] } }),
      } as unknown as ScoreResult;
    },
  };
  return scorer as unknown as ModelScorer & { computed: number };
}

function version(modelVersion: string, scorer: ModelScorer, purposes = ['ai_personalization']): LiveVersion {
  return {
    modelId: 'propensity',
    version: modelVersion,
    stage: 'production',
    scorer,
    purposes,
    canaryBasisPoints: null,
    artifactSha256: `sha256:${modelVersion}`,
    keys: [
      ['propensity', 0],
      ['propensity-credit-card', 0],
    ],
    stats: { served: { decision: 0, api: 0, batch: 0, shadow: 0 }, shadowGapSum: 0, shadowGapCount: 0 },
  };
}

/** The live set as the score source reads it; `serve` swaps the production version as a promotion does. */
function liveSet(initial: LiveVersion): { set: LiveModelSet; serve(next: LiveVersion): void } {
  let model: LiveModel = { modelId: 'propensity', production: initial, shadows: [] };
  return {
    set: { all: () => [model] } as unknown as LiveModelSet,
    serve: (next) => {
      model = { modelId: 'propensity', production: next, shadows: [] };
    },
  };
}

const T0 = Date.UTC(2026, 0, 15, 12);
const everything = () => true;
const logins = (count: number): FeatureSource => ((name: string) => (name === 'logins_count_30d' ? count : undefined)) as FeatureSource;
const plain = (scores: Readonly<Record<string, ModelScore>>) =>
  Object.fromEntries(Object.entries(scores).map(([key, s]) => [key, { score: s.score, version: s.version, stage: s.stage, attributions: s.attributions }]));

describe('ModelScoreSource with the customer score cache', () => {
  it('reuses a customer\'s scores and attributions for the same profile revision and version, with the same numbers', () => {
    const scorer = countingScorer(0.1);
    const source = new ModelScoreSource(liveSet(version('1', scorer)).set);
    const first = plain(source.scoresFor('c-1', logins(3), T0, everything, undefined, null, '5@40'));
    const computed = scorer.computed;
    const again = plain(source.scoresFor('c-1', logins(3), T0 + 1_000, everything, undefined, null, '5@40'));
    expect(scorer.computed).toBe(computed);
    expect(again).toEqual(first);
    expect(first['propensity-credit-card']).toEqual({ score: 0.1 * 3, version: '1', stage: 'production', attributions: [{ feature: 'logins_count_30d', contribution: 0.1 * 3 }] });
  });

  it('a new event (another profile revision) scores again from the new features', () => {
    const scorer = countingScorer(0.1);
    const source = new ModelScoreSource(liveSet(version('1', scorer)).set);
    source.scoresFor('c-1', logins(3), T0, everything, undefined, null, '5@40');
    const computed = scorer.computed;
    const after = source.scoresFor('c-1', logins(4), T0, everything, undefined, null, '6@41');
    expect(scorer.computed).toBeGreaterThan(computed);
    expect(after['propensity']?.score).toBeCloseTo(0.4, 12);
  });

  it('a promotion (another serving version) scores again with the promoted version', () => {
    const old = countingScorer(0.1);
    const promoted = countingScorer(0.2);
    const live = liveSet(version('1', old));
    const source = new ModelScoreSource(live.set);
    source.scoresFor('c-1', logins(3), T0, everything, undefined, null, '5@40');
    live.serve(version('2', promoted));
    const after = source.scoresFor('c-1', logins(3), T0, everything, undefined, null, '5@40');
    expect(promoted.computed).toBeGreaterThan(0);
    expect(after['propensity']).toMatchObject({ score: 0.2 * 3, version: '2' });
  });

  it('G2: after an objection or a consent withdrawal no cached score is served, and none is kept', () => {
    const scorer = countingScorer(0.1);
    const cache = new CustomerScoreCache();
    const source = new ModelScoreSource(liveSet(version('1', scorer)).set, cache);
    source.scoresFor('c-1', logins(3), T0, everything, undefined, null, '5@40');
    expect(cache.size).toBe(1);
    // The same revision on purpose: even if the consent change were not yet an event of the profile, no score leaves.
    const objected = source.scoresFor('c-1', logins(3), T0, (purpose) => purpose !== 'ai_personalization', undefined, null, '5@40');
    expect(objected).toEqual({});
    expect(cache.size).toBe(0);
    const computed = scorer.computed;
    source.scoresFor('c-1', logins(3), T0, everything, undefined, null, '5@40');
    expect(scorer.computed).toBeGreaterThan(computed);
  });

  it('scores again once the cached score is older than the bound, and never caches without a revision', () => {
    const scorer = countingScorer(0.1);
    const source = new ModelScoreSource(liveSet(version('1', scorer)).set, new CustomerScoreCache({ maxCustomers: 10, maxAgeMs: 60_000 }));
    source.scoresFor('c-1', logins(3), T0, everything, undefined, null, '5@40');
    let computed = scorer.computed;
    source.scoresFor('c-1', logins(3), T0 + 60_001, everything, undefined, null, '5@40');
    expect(scorer.computed).toBeGreaterThan(computed);
    computed = scorer.computed;
    source.scoresFor('c-2', logins(3), T0, everything);
    source.scoresFor('c-2', logins(3), T0, everything);
    expect(scorer.computed).toBe(computed + 2);
  });
});

describe('CustomerScoreCache', () => {
  const scores = [['propensity', { score: 0.5, version: '1', stage: 'production', attributions: [] }]] as const;

  it('keeps at most maxCustomers, dropping the one decided on longest ago', () => {
    const v = version('1', countingScorer(0.1));
    const cache = new CustomerScoreCache({ maxCustomers: 2, maxAgeMs: 60_000 });
    cache.set('a', 'r', v, T0, scores);
    cache.set('b', 'r', v, T0, scores);
    expect(cache.get('a', 'r', v, T0)).toBe(scores);
    cache.set('c', 'r', v, T0, scores);
    expect(cache.get('b', 'r', v, T0)).toBeUndefined();
    expect(cache.get('a', 'r', v, T0)).toBe(scores);
    expect(cache.get('c', 'r', v, T0)).toBe(scores);
  });

  it('misses for another revision, another version object, or a clock that went back', () => {
    const v = version('1', countingScorer(0.1));
    const cache = new CustomerScoreCache();
    cache.set('a', 'r1', v, T0, scores);
    expect(cache.get('a', 'r2', v, T0)).toBeUndefined();
    expect(cache.get('a', 'r1', { ...v }, T0)).toBeUndefined();
    expect(cache.get('a', 'r1', v, T0 - 1)).toBeUndefined();
    expect(cache.get('a', 'r1', v, T0 + 1)).toBe(scores);
  });
});

describe('CustomerScoreCache expiry', () => {
  it('drops entries no decision may reuse any more as new customers come in', () => {
    const v = version('1', countingScorer(0.1));
    const cache = new CustomerScoreCache({ maxCustomers: 100, maxAgeMs: 60_000 });
    const scores = [['propensity', { score: 0.5, version: '1', stage: 'production', attributions: [] }]] as const;
    cache.set('old-1', 'r', v, T0, scores);
    cache.set('old-2', 'r', v, T0, scores);
    cache.set('fresh', 'r', v, T0 + 60_001, scores);
    expect(cache.size).toBe(1);
    expect(cache.get('fresh', 'r', v, T0 + 60_001)).toBe(scores);
  });
});
