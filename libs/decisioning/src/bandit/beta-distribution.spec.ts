import fc from 'fast-check';
import { betaCdf, betaQuantile, lnGamma, summarizeBeta } from './beta-distribution';

/** Simpson's rule on the density, independent of the continued fraction under test. */
function integratedCdf(x: number, a: number, b: number): number {
  const n = 4000;
  const logNorm = lnGamma(a + b) - lnGamma(a) - lnGamma(b);
  const density = (t: number) => {
    const u = Math.min(Math.max(t, 1e-15), 1 - 1e-15);
    return Math.exp(logNorm + (a - 1) * Math.log(u) + (b - 1) * Math.log(1 - u));
  };
  const h = x / n;
  let sum = density(0) + density(x);
  for (let i = 1; i < n; i++) sum += density(i * h) * (i % 2 === 0 ? 2 : 4);
  return (sum * h) / 3;
}

describe('beta distribution', () => {
  it('has closed forms where they exist', () => {
    for (const p of [0.025, 0.3, 0.5, 0.975]) {
      expect(betaQuantile(p, 1, 1)).toBeCloseTo(p, 9);
      expect(betaQuantile(p, 2, 1)).toBeCloseTo(Math.sqrt(p), 9);
      expect(betaQuantile(p, 1, 2)).toBeCloseTo(1 - Math.sqrt(1 - p), 9);
    }
    for (const n of [1, 2, 5, 10, 20]) expect(lnGamma(n)).toBeCloseTo(Math.log([...Array(n - 1).keys()].reduce((f, k) => f * (k + 1), 1)), 9);
    expect(summarizeBeta(3, 7)).toMatchObject({ alpha: 3, beta: 7, mean: 0.3 });
  });

  it('property: the CDF matches numeric integration of the density and the quantile inverts it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120 }), fc.integer({ min: 1, max: 120 }), fc.double({ min: 0.02, max: 0.98, noNaN: true }), (a, b, p) => {
        const x = betaQuantile(p, a, b);
        expect(betaCdf(x, a, b)).toBeCloseTo(p, 7);
        const mid = a / (a + b);
        expect(betaCdf(mid, a, b)).toBeCloseTo(integratedCdf(mid, a, b), 5);
      }),
      { numRuns: 60 },
    );
  });

  it('gives narrowing 95% intervals around the mean as evidence grows', () => {
    const small = summarizeBeta(1 + 3, 1 + 7);
    const large = summarizeBeta(1 + 300, 1 + 700);
    expect(small.lower95).toBeLessThan(small.mean);
    expect(small.upper95).toBeGreaterThan(small.mean);
    expect(large.upper95 - large.lower95).toBeLessThan((small.upper95 - small.lower95) / 5);
    expect(large.lower95).toBeCloseTo(0.272, 2);
    expect(large.upper95).toBeCloseTo(0.329, 2);
  });
});
