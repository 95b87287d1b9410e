/**
 * Unwrapped data keys kept in memory, bounded in count and age. Least recently used keys go first. The age bound
 * limits how long a process keeps using a key another process destroyed (distributed mode): data sealed with such
 * a key in that window is unreadable anyway, and the partition worker also evicts on the `customer_erased` event.
 */
export class DataKeyCache {
  private readonly entries = new Map<string, { readonly key: Buffer; readonly expiresAtMs: number }>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
    private readonly clock: () => number,
  ) {}

  get(subject: string): Buffer | undefined {
    const entry = this.entries.get(subject);
    if (!entry) return undefined;
    this.entries.delete(subject);
    if (entry.expiresAtMs <= this.clock()) return undefined;
    this.entries.set(subject, entry);
    return entry.key;
  }

  set(subject: string, key: Buffer): void {
    if (this.capacity <= 0) return;
    this.entries.delete(subject);
    while (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(subject, { key, expiresAtMs: this.clock() + this.ttlMs });
  }

  delete(subject: string): void {
    this.entries.delete(subject);
  }

  get size(): number {
    return this.entries.size;
  }
}
