/**
 * When each (trigger, customer, dedupe values) last fired, for cooldowns. Only fires write to it, so it grows with
 * fires, not events; entries past their cooldown are pruned on ticks.
 */
export class FireLedger {
  private readonly lastFired = new Map<string, number>();
  private cursor: MapIterator<[string, number]> | null = null;

  constructor(readonly cooldownMs: number) {}

  get size(): number {
    return this.lastFired.size;
  }

  /** True if a fire at `atMs` is within the cooldown of the previous one (either side: late events count too). */
  coolingDown(key: string, atMs: number): boolean {
    const last = this.lastFired.get(key);
    return last !== undefined && Math.abs(atMs - last) < this.cooldownMs;
  }

  record(key: string, atMs: number): void {
    const last = this.lastFired.get(key);
    if (last === undefined || atMs > last) this.lastFired.set(key, atMs);
  }

  /**
   * Drops up to `budget` expired entries, continuing where the last call stopped (a live Map iterator survives
   * deletions), so pruning costs a bounded slice per tick instead of a sweep over every fire.
   */
  prune(nowMs: number, budget: number): void {
    let visited = 0;
    while (visited < budget) {
      this.cursor ??= this.lastFired.entries();
      const next = this.cursor.next();
      if (next.done) {
        this.cursor = null;
        return;
      }
      visited++;
      const [key, atMs] = next.value;
      if (nowMs - atMs >= this.cooldownMs) this.lastFired.delete(key);
    }
  }

  /** Erasure: drops the customer's cooldowns (keys are the customer id, or it and dedupe values). */
  forgetCustomer(customerId: string): void {
    this.lastFired.delete(customerId);
    const prefix = `${customerId}\u001e`;
    for (const key of this.lastFired.keys()) if (key.startsWith(prefix)) this.lastFired.delete(key);
  }

  entries(): [string, number][] {
    return [...this.lastFired];
  }

  restore(entries: readonly (readonly [string, number])[]): void {
    this.lastFired.clear();
    this.cursor = null;
    for (const [key, atMs] of entries) this.lastFired.set(key, atMs);
  }
}

/** The ledger key: the customer alone unless the trigger distinguishes occasions by event fields. */
export function ledgerKey(customerId: string, dedupeValues: string): string {
  return dedupeValues === '' ? customerId : `${customerId}\u001e${dedupeValues}`;
}
