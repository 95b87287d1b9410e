import { createHash } from 'node:crypto';
import { Sfc32 } from '@kairos/random';

/**
 * A small fast PRNG (sfc32 from @kairos/random, state from splitmix32) with a 32-bit seed. Recording the seed in the audit record lets
 * a decision's random draws be replayed exactly (A5).
 */
export class SeededRandom extends Sfc32 {
  private spareNormal: number | null = null;

  constructor(readonly seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    super([next(), next(), next(), next()]);
  }

  /** Uniform in (0, 1): never exactly 0, so logarithms are safe. */
  next(): number {
    return (this.nextUint32() + 0.5) / 4_294_967_296;
  }

  /** Standard normal (Marsaglia polar method). */
  normal(): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return spare;
    }
    for (;;) {
      const u = 2 * this.next() - 1;
      const v = 2 * this.next() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const factor = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * factor;
        return u * factor;
      }
    }
  }

  /** Gamma(shape, 1) by Marsaglia–Tsang; shapes below 1 via the boost Gamma(shape + 1)·U^(1/shape). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  beta(alpha: number, beta: number): number {
    const x = this.gamma(alpha);
    const y = this.gamma(beta);
    return x / (x + y);
  }
}

/** A 32-bit seed derived from text (decision id and campaign): the same decision always draws the same numbers. */
export function seedFrom(...parts: readonly string[]): number {
  return createHash('sha256').update(parts.join('\u001f')).digest().readUInt32BE(0);
}

/** A number in [0, 1) derived from text, uniform over inputs: for hash-based assignments such as control groups. */
export function unitHash(...parts: readonly string[]): number {
  const digest = createHash('sha256').update(parts.join('\u001f')).digest();
  return (digest.readUInt32BE(0) * 2 ** 21 + (digest.readUInt32BE(4) >>> 11)) / 2 ** 53;
}
