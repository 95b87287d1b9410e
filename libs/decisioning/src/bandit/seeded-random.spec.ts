import fc from 'fast-check';
import { isInControlGroup } from './control-group';
import { SeededRandom, seedFrom, unitHash } from './seeded-random';
import { chooseVariant } from './thompson-sampler';

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

describe('seeded randomness, Thompson sampling and control groups', () => {
  it('replays the same draws from the same seed, and other draws from another', () => {
    const draws = (seed: number) => {
      const random = new SeededRandom(seed);
      return [random.next(), random.normal(), random.gamma(0.5), random.beta(3, 4)];
    };
    expect(draws(42)).toEqual(draws(42));
    expect(draws(42)).not.toEqual(draws(43));
    expect(seedFrom('dec-1', 'campaign')).toBe(seedFrom('dec-1', 'campaign'));
    expect(seedFrom('dec-1', 'campaign')).not.toBe(seedFrom('dec-2', 'campaign'));
  });

  it('draws with the right moments: uniform, normal, gamma and beta', () => {
    const random = new SeededRandom(7);
    const n = 20_000;
    const uniform = Array.from({ length: n }, () => random.next());
    const normal = Array.from({ length: n }, () => random.normal());
    const gamma = Array.from({ length: n }, () => random.gamma(2.5));
    const beta = Array.from({ length: n }, () => random.beta(2, 8));
    expect(mean(uniform)).toBeCloseTo(0.5, 1);
    expect(Math.min(...uniform)).toBeGreaterThan(0);
    expect(mean(normal)).toBeCloseTo(0, 1);
    expect(mean(normal.map((x) => x * x))).toBeCloseTo(1, 1);
    expect(mean(gamma)).toBeCloseTo(2.5, 1);
    expect(mean(beta)).toBeCloseTo(0.2, 2);
  });

  it('chooses by Thompson sampling: replayable, draws in variant order, mostly the better arm', () => {
    const arms = [
      { variantId: 'b-weak', alpha: 3, beta: 30 },
      { variantId: 'a-strong', alpha: 30, beta: 30 },
    ];
    const choice = chooseVariant('camp', arms, 99);
    expect(chooseVariant('camp', [...arms].reverse(), 99)).toEqual(choice);
    expect(choice.draws.map((d) => d.variantId)).toEqual(['a-strong', 'b-weak']);
    const strong = Array.from({ length: 500 }, (_, i) => chooseVariant('camp', arms, i).variantId).filter((v) => v === 'a-strong').length;
    expect(strong).toBeGreaterThan(490);
    // Equal posteriors: both explored.
    const even = Array.from({ length: 1000 }, (_, i) => chooseVariant('camp', [{ variantId: 'x', alpha: 1, beta: 1 }, { variantId: 'y', alpha: 1, beta: 1 }], i).variantId);
    expect(even.filter((v) => v === 'x').length).toBeGreaterThan(420);
    expect(() => chooseVariant('camp', [], 1)).toThrow('at least one arm');
  });

  it('property: control-group membership is stable and its share matches the configured one', () => {
    fc.assert(
      fc.property(fc.constantFrom(0.05, 0.1, 0.25, 0.5), fc.string({ minLength: 1, maxLength: 20 }), (share, campaign) => {
        const ids = Array.from({ length: 4000 }, (_, i) => `cust-${i}`);
        const members = ids.filter((id) => isInControlGroup(campaign, id, share)).length;
        const sigma = Math.sqrt(ids.length * share * (1 - share));
        expect(Math.abs(members - ids.length * share)).toBeLessThan(4 * sigma);
        expect(ids.filter((id) => isInControlGroup(campaign, id, share)).length).toBe(members);
        expect(isInControlGroup(campaign, 'x', 0)).toBe(false);
      }),
      { numRuns: 20 },
    );
    expect(unitHash('a')).toBeGreaterThanOrEqual(0);
    expect(unitHash('a')).toBeLessThan(1);
  });
});
