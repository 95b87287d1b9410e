/**
 * When recent records of one partition were applied, for the event trace. A fixed ring per partition: memory
 * stays bounded whatever the rate; older records are known to be applied (offset ≤ last applied) without a time.
 */
export class AppliedOffsets {
  private readonly offsets: Float64Array;
  private readonly times: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(private readonly capacity = 65_536) {
    this.offsets = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
  }

  record(offset: number, atMs: number): void {
    this.offsets[this.next] = offset;
    this.times[this.next] = atMs;
    this.next = (this.next + 1) % this.capacity;
    this.filled = Math.min(this.filled + 1, this.capacity);
  }

  /** The time `offset` was applied, if it is still in the ring. Offsets are recorded in increasing order. */
  appliedAt(offset: number): number | null {
    let lo = 0;
    let hi = this.filled - 1;
    const oldest = (this.next - this.filled + this.capacity) % this.capacity;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const index = (oldest + mid) % this.capacity;
      const value = this.offsets[index];
      if (value === offset) return this.times[index];
      if (value < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }
}
