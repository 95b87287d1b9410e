import fc from 'fast-check';
import { SeededRandom, mixSeed, permute32 } from './seeded-random';

describe('SeededRandom', () => {
  it('repeats the same sequence for the same seed and stream', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(), (seed, stream) => {
        const a = new SeededRandom(seed, stream);
        const b = new SeededRandom(seed, stream);
        for (let i = 0; i < 20; i++) expect(a.nextUint32()).toBe(b.nextUint32());
      }),
    );
  });

  it('gives different streams to neighbouring seeds and streams', () => {
    const first = (seed: number, stream: number): number[] => {
      const rng = new SeededRandom(seed, stream);
      return Array.from({ length: 4 }, () => rng.nextUint32());
    };
    expect(first(1, 0)).not.toEqual(first(2, 0));
    expect(first(1, 0)).not.toEqual(first(1, 1));
  });

  it('draws uniform values in [0, 1) with the expected mean and variance', () => {
    const rng = new SeededRandom(7);
    let sum = 0;
    let squares = 0;
    let min = Infinity;
    let max = -Infinity;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      sum += x;
      squares += x * x;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(squares / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
  });

  it('samples Poisson counts and normals with the right moments', () => {
    const rng = new SeededRandom(11);
    const n = 100_000;
    let poissonSum = 0;
    let normalSum = 0;
    let normalSquares = 0;
    for (let i = 0; i < n; i++) {
      poissonSum += rng.poisson(2.5);
      const z = rng.normal();
      normalSum += z;
      normalSquares += z * z;
    }
    expect(poissonSum / n).toBeCloseTo(2.5, 1);
    expect(normalSum / n).toBeCloseTo(0, 1);
    expect(normalSquares / n).toBeCloseTo(1, 1);
  });

  it('picks by cumulative weights in proportion to the weights', () => {
    const rng = new SeededRandom(3);
    const counts = [0, 0, 0];
    // weights 1, 3, 6
    for (let i = 0; i < 60_000; i++) counts[rng.pickCumulative([1, 4, 10])]++;
    expect(counts[0] / 60_000).toBeCloseTo(0.1, 1);
    expect(counts[1] / 60_000).toBeCloseTo(0.3, 1);
    expect(counts[2] / 60_000).toBeCloseTo(0.6, 1);
  });
});

describe('permute32', () => {
  it('never maps two inputs to the same output (it is a bijection)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), (key, a, b) => {
        fc.pre(a !== b);
        expect(permute32(a, key)).not.toBe(permute32(b, key));
      }),
    );
    const seen = new Set<number>();
    const key = mixSeed(42, 1);
    for (let i = 0; i < 100_000; i++) seen.add(permute32(i, key));
    expect(seen.size).toBe(100_000);
  });
});
