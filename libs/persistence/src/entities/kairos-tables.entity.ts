import { EntitySchema } from 'typeorm';
import { Dialect, columnTypes, int64Column } from '../dialect';

/** Row shapes of the application tables (the event log itself lives in Kafka or the embedded log file). */
export interface ApiKeyRow {
  id: string;
  principalId: string;
  role: string;
  channel: string | null;
  keyHash: string;
  label: string;
  createdAtMs: number;
  revokedAtMs: number | null;
}

export interface PartitionSnapshotRow {
  partition: number;
  offset: number;
  createdAtMs: number;
  checksum: string;
  data: Buffer;
}

export interface EventIndexRow {
  eventId: string;
  customerId: string;
  type: string;
  partition: number;
  offset: number;
  receivedAtMs: number;
  storedAtMs: number;
}

export interface IdentityLinkRow {
  kind: string;
  value: string;
  customerId: string;
  linkedAtMs: number;
}

export interface ParkedEventRow {
  eventId: string;
  identifierKind: string;
  identifierValue: string;
  payload: string;
  receivedAtMs: number;
}

/** Entity schemas built per dialect, so one definition serves SQLite and PostgreSQL. */
export function foundationEntities(dialect: Dialect) {
  const types = columnTypes(dialect);
  const int64 = int64Column(dialect);
  return [
    new EntitySchema<ApiKeyRow>({
      name: 'ApiKey',
      tableName: 'api_keys',
      columns: {
        id: { type: 'varchar', length: 64, primary: true },
        principalId: { name: 'principal_id', type: 'varchar', length: 128 },
        role: { type: 'varchar', length: 32 },
        channel: { type: 'varchar', length: 32, nullable: true },
        keyHash: { name: 'key_hash', type: 'varchar', length: 128 },
        label: { type: 'varchar', length: 200 },
        createdAtMs: { name: 'created_at_ms', ...int64 },
        revokedAtMs: { name: 'revoked_at_ms', ...int64, nullable: true },
      },
      indices: [{ name: 'api_keys_key_hash', columns: ['keyHash'], unique: true }],
    }),
    new EntitySchema<PartitionSnapshotRow>({
      name: 'PartitionSnapshot',
      tableName: 'partition_snapshots',
      columns: {
        partition: { type: 'integer', primary: true },
        offset: { primary: true, ...int64 },
        createdAtMs: { name: 'created_at_ms', ...int64 },
        checksum: { type: 'varchar', length: 64 },
        data: { type: types.binary },
      },
    }),
    new EntitySchema<EventIndexRow>({
      name: 'EventIndex',
      tableName: 'event_index',
      columns: {
        eventId: { name: 'event_id', type: 'varchar', length: 128, primary: true },
        customerId: { name: 'customer_id', type: 'varchar', length: 128 },
        type: { type: 'varchar', length: 64 },
        partition: { type: 'integer' },
        offset: { ...int64 },
        receivedAtMs: { name: 'received_at_ms', ...int64 },
        storedAtMs: { name: 'stored_at_ms', ...int64 },
      },
      indices: [
        { name: 'event_index_customer', columns: ['customerId'] },
        { name: 'event_index_received', columns: ['receivedAtMs'] },
      ],
    }),
    new EntitySchema<IdentityLinkRow>({
      name: 'IdentityLink',
      tableName: 'identity_links',
      columns: {
        kind: { type: 'varchar', length: 32, primary: true },
        value: { type: 'varchar', length: 128, primary: true },
        customerId: { name: 'customer_id', type: 'varchar', length: 128 },
        linkedAtMs: { name: 'linked_at_ms', ...int64 },
      },
    }),
    new EntitySchema<ParkedEventRow>({
      name: 'ParkedEvent',
      tableName: 'parked_events',
      columns: {
        eventId: { name: 'event_id', type: 'varchar', length: 128, primary: true },
        identifierKind: { name: 'identifier_kind', type: 'varchar', length: 32 },
        identifierValue: { name: 'identifier_value', type: 'varchar', length: 128 },
        payload: { type: types.text },
        receivedAtMs: { name: 'received_at_ms', ...int64 },
      },
      indices: [{ name: 'parked_events_identifier', columns: ['identifierKind', 'identifierValue'] }],
    }),
  ];
}
