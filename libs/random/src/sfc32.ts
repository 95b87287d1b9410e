/**
 * sfc32 (Chris Doty-Humphrey's small fast chaotic generator): 128-bit state, four integer operations per draw,
 * passes PractRand far beyond what Kairos draws. Subclasses decide how a seed becomes the four state words and
 * how raw words become numbers; the stepping lives only here.
 */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  protected constructor(words: readonly [number, number, number, number]) {
    [this.a, this.b, this.c, this.d] = words;
    // The first outputs of a freshly seeded sfc32 are still correlated with the seed.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
}
