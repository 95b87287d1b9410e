import { Sfc32 } from '@kairos/random';

/**
 * The simulator's only source of randomness. sfc32 (128-bit state, four integer ops per draw) is fast, passes
 * PractRand far beyond what a simulation draws, and lets every customer own an independent stream, so a run is
 * reproducible from (seed, options) alone and never depends on Math.random or on iteration interleaving.
 */
export class SeededRandom extends Sfc32 {
  private spareNormal = Number.NaN;

  constructor(seed: number, stream = 0) {
    let state = mixSeed(seed, stream);
    const a = splitmix32((state = (state + 0x9e3779b9) | 0));
    const b = splitmix32((state = (state + 0x9e3779b9) | 0));
    const c = splitmix32((state = (state + 0x9e3779b9) | 0));
    super([a, b, c, splitmix32((state + 0x9e3779b9) | 0)]);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** Uniform in [min, max). */
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Index drawn in proportion to `cumulative` (ascending running sums of the weights). */
  pickCumulative(cumulative: ArrayLike<number>): number {
    const x = this.next() * cumulative[cumulative.length - 1];
    let i = 0;
    while (i < cumulative.length - 1 && cumulative[i] <= x) i++;
    return i;
  }

  /** Standard normal (Box-Muller; the second value is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const spare = this.spareNormal;
      this.spareNormal = Number.NaN;
      return spare;
    }
    const u = 1 - this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  logNormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Knuth's method: exact and cheap for the small rates a customer-day has; large rates use a normal. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
}

/** Hashes a seed and any number of integer components into one 32-bit value (murmur3 finaliser per step). */
export function mixSeed(seed: number, ...parts: number[]): number {
  let h = fmix32((seed ^ 0x5bd1e995) >>> 0);
  for (const part of parts) h = fmix32((h ^ Math.imul(part | 0, 0xcc9e2d51)) + 0xe6546b64);
  return h >>> 0;
}

/**
 * A bijection on 32-bit integers keyed by `key`: distinct inputs give distinct outputs, so tokens derived from
 * a customer index never collide, while still looking random.
 */
export function permute32(value: number, key: number): number {
  let h = (value ^ key) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function splitmix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}
