import { DataSource, In } from 'typeorm';
import type { CustomerEvent, CustomerIdentifiers, IdentifierKind } from '@kairos/contracts';
import type { IdentityLinkRow, ParkedEventRow } from '../entities/kairos-tables.entity';

export interface IdentifierRef {
  readonly kind: IdentifierKind;
  readonly value: string;
}

export function identifierRefs(identifiers: CustomerIdentifiers | undefined): IdentifierRef[] {
  if (!identifiers) return [];
  return (Object.entries(identifiers) as [IdentifierKind, string | undefined][])
    .filter((entry): entry is [IdentifierKind, string] => entry[1] !== undefined)
    .map(([kind, value]) => ({ kind, value }));
}

/**
 * Identity resolution: which customer an external identifier (card token, e-mail hash, device id) belongs to,
 * learnt from events that carry both; and the events parked until their identifier is linked.
 */
export class IdentityRepository {
  constructor(private readonly dataSource: DataSource) {}

  async resolve(refs: readonly IdentifierRef[]): Promise<string | null> {
    for (const ref of refs) {
      const link = await this.dataSource.getRepository<IdentityLinkRow>('IdentityLink').findOne({ where: { kind: ref.kind, value: ref.value } });
      if (link) return link.customerId;
    }
    return null;
  }

  /** Links identifiers to a customer (first link wins: an identifier never silently moves to another customer). */
  async link(customerId: string, refs: readonly IdentifierRef[], atMs: number): Promise<void> {
    if (refs.length === 0) return;
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into('IdentityLink')
      .values(refs.map((ref) => ({ kind: ref.kind, value: ref.value, customerId, linkedAtMs: atMs })))
      .orIgnore()
      .execute();
  }

  /** Parks events whose identifier is not linked yet. Idempotent by event id. */
  async park(entries: readonly { event: Omit<CustomerEvent, 'customerId'> & { customerId?: string }; ref: IdentifierRef }[]): Promise<void> {
    if (entries.length === 0) return;
    const rows: ParkedEventRow[] = entries.map(({ event, ref }) => ({
      eventId: event.id,
      identifierKind: ref.kind,
      identifierValue: ref.value,
      payload: JSON.stringify(event),
      receivedAtMs: event.receivedAtMs,
    }));
    await this.dataSource.createQueryBuilder().insert().into('ParkedEvent').values(rows).orIgnore().execute();
  }

  async isParked(eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await this.dataSource.getRepository<ParkedEventRow>('ParkedEvent').find({ select: { eventId: true }, where: { eventId: In([...eventIds]) } });
    return new Set(rows.map((row) => row.eventId));
  }

  /** The parked events waiting for any of these identifiers, oldest first. */
  async parkedFor(refs: readonly IdentifierRef[]): Promise<{ eventId: string; payload: string }[]> {
    const found: ParkedEventRow[] = [];
    for (const ref of refs) {
      found.push(
        ...(await this.dataSource
          .getRepository<ParkedEventRow>('ParkedEvent')
          .find({ where: { identifierKind: ref.kind, identifierValue: ref.value }, order: { receivedAtMs: 'ASC' } })),
      );
    }
    return found.map(({ eventId, payload }) => ({ eventId, payload }));
  }

  async unpark(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.dataSource.getRepository<ParkedEventRow>('ParkedEvent').delete({ eventId: In([...eventIds]) });
  }
}
