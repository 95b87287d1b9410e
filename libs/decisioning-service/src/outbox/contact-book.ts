import type { ContactRecord, DecisionChannel } from '@kairos/decisioning';
import type { OutboxEntry } from '@kairos/persistence';
import type { ContactHistory } from '../decision-sources';

export interface ContactBookOptions {
  /** Contacts older than this no longer matter to any cap or cooldown, ms (default 35 days). */
  readonly horizonMs?: number;
  /** Records kept per customer, newest win (default 64). */
  readonly perCustomer?: number;
  readonly clock?: () => number;
}

const DAY_MS = 86_400_000;

/**
 * Recent contacts and responses per customer, in memory so decisions read them synchronously. Fed by the sink
 * after each commit and by response events; warmed from the outbox table on start. Bounded per customer and by
 * age, so memory follows the contacted population of the horizon, not the table's size.
 */
export class ContactBook implements ContactHistory {
  private readonly byCustomer = new Map<string, ContactRecord[]>();
  private readonly horizonMs: number;
  private readonly perCustomer: number;
  private readonly clock: () => number;

  constructor(options: ContactBookOptions = {}) {
    this.horizonMs = options.horizonMs ?? 35 * DAY_MS;
    this.perCustomer = options.perCustomer ?? 64;
    this.clock = options.clock ?? Date.now;
  }

  get horizon(): number {
    return this.horizonMs;
  }

  contactsOf(customerId: string, sinceMs: number): readonly ContactRecord[] {
    const records = this.byCustomer.get(customerId);
    if (!records) return [];
    return records.filter((record) => record.atMs >= sinceMs);
  }

  /** An outbox row: the contact itself, plus an acceptance when the customer clicked. */
  recordEntry(entry: OutboxEntry): void {
    this.add(entry.customerId, { actionId: entry.actionId, channel: entry.channel as DecisionChannel, atMs: entry.createdAtMs, kind: 'contact', ...campaignOf(entry) });
    if (entry.clickedAtMs !== null) this.recordClick(entry);
  }

  recordClick(entry: OutboxEntry): void {
    if (entry.clickedAtMs === null) return;
    this.add(entry.customerId, { actionId: entry.actionId, channel: entry.channel as DecisionChannel, atMs: entry.clickedAtMs, kind: 'accepted', ...campaignOf(entry) });
  }

  /** Forgets a customer (erasure). */
  forget(customerId: string): void {
    this.byCustomer.delete(customerId);
  }

  size(): number {
    return this.byCustomer.size;
  }

  private add(customerId: string, record: ContactRecord): void {
    const cutoff = this.clock() - this.horizonMs;
    if (record.atMs < cutoff) return;
    const records = (this.byCustomer.get(customerId) ?? []).filter((r) => r.atMs >= cutoff);
    // Replays (a re-read row, a repeated event) must not count a contact twice toward a cap.
    if (records.some((r) => r.actionId === record.actionId && r.atMs === record.atMs && r.kind === record.kind)) return;
    let at = records.length;
    while (at > 0 && records[at - 1]!.atMs > record.atMs) at--;
    records.splice(at, 0, record);
    if (records.length > this.perCustomer) records.splice(0, records.length - this.perCustomer);
    this.byCustomer.set(customerId, records);
  }
}

function campaignOf(entry: OutboxEntry): { campaignId?: string } {
  return entry.campaignId === null ? {} : { campaignId: entry.campaignId };
}
