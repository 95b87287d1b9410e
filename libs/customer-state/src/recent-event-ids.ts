/**
 * The last N event ids applied in one partition. Kafka cannot refuse a duplicate id (two ingestion processes racing
 * on the same new id, or an index write that failed after the broker acknowledged), so the worker drops a record
 * whose id it applied recently. Duplicates of that kind arrive close together, which is why a bounded window holds.
 */
export class RecentEventIds {
  private readonly ring: (string | undefined)[];
  private readonly present = new Set<string>();
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array<string | undefined>(capacity);
  }

  /** Records `id`; false when it was already in the window. */
  add(id: string): boolean {
    if (this.present.has(id)) return false;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.present.delete(evicted);
    this.ring[this.next] = id;
    this.present.add(id);
    this.next = (this.next + 1) % this.capacity;
    return true;
  }
}
