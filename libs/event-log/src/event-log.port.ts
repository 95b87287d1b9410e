import type { CustomerEvent, LoggedEvent } from '@kairos/contracts';

/** Where an accepted event sits in the log, and when it passed ingestion. */
export interface EventLocation {
  readonly eventId: string;
  readonly customerId: string;
  readonly type: string;
  readonly partition: number;
  readonly offset: number;
  readonly receivedAtMs: number;
  readonly storedAtMs: number;
}

/** The fate of one event handed to `append`: newly stored, or already stored earlier under the same id. */
export interface AppendOutcome {
  readonly status: 'appended' | 'duplicate';
  readonly partition: number;
  readonly offset: number;
}

/**
 * What a partition-owning worker supplies to the log. The log delivers each partition's records in offset order,
 * one batch at a time (the next batch only after the previous promise resolved), starting at the offset the
 * worker asked for when the partition was assigned.
 */
export interface PartitionConsumerHandler {
  /** This process now owns `partitions`. Resolve with the next offset needed for each (snapshot offset + 1, or 0). */
  onAssigned(partitions: readonly number[]): Promise<ReadonlyMap<number, number>>;
  /** These partitions moved away: stop serving them and drop their state. */
  onRevoked(partitions: readonly number[]): Promise<void>;
  onRecords(partition: number, records: readonly LoggedEvent[]): Promise<void>;
}

export interface LogConsumer {
  /**
   * Everything before `nextOffset` in `partition` is durably reflected in a snapshot: the log may forget it for
   * this group (Kafka commits the offset). Never required for correctness, which rests on snapshot offsets.
   */
  commit(partition: number, nextOffset: number): Promise<void>;
  /** The partitions this consumer owns right now. */
  assignedPartitions(): readonly number[];
  /** Partitions held at a batch whose handler keeps failing (retried with back-off), with the last error. */
  failingPartitions?(): ReadonlyMap<number, string>;
  /** Records not yet delivered to this consumer, per partition it owns. */
  lag(): Promise<ReadonlyMap<number, number>>;
  stop(): Promise<void>;
}

export interface LogHealth {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * The partitioned, append-only customer event log. Two adapters: the embedded one (SQLite file, written by a
 * writer thread with group commit) and Kafka. Events are keyed by customer id; partition = murmur2(customerId).
 */
export interface EventLog {
  readonly partitionCount: number;
  /**
   * Appends events (already validated and bound to customers). Resolves only when every appended event is
   * durable; an event whose id is already in the log is not appended again and reported as a duplicate.
   * Rejects with a KairosError LOG_UNAVAILABLE when durability cannot be reached: then nothing is acknowledged.
   */
  append(events: readonly CustomerEvent[]): Promise<readonly AppendOutcome[]>;
  /** Where an event id was stored, if it was. */
  locate(eventId: string): Promise<EventLocation | null>;
  /** Reads stored records of one partition from `fromOffset`, at most `limit` (for replays and simulations). */
  read(partition: number, fromOffset: number, limit: number): Promise<readonly LoggedEvent[]>;
  /**
   * Every stored event of one customer, in offset order (all of a customer's events share one partition). For the
   * data-subject access and portability export (Art. 15/20 GDPR), not for hot paths.
   */
  readCustomer(customerId: string): Promise<readonly LoggedEvent[]>;
  /** Joins `groupId` and starts delivering records of the partitions this process is assigned. */
  consume(groupId: string, handler: PartitionConsumerHandler): Promise<LogConsumer>;
  /**
   * Applies the retention window of raw events (G5). The embedded log deletes what is older than the window and no
   * longer needed by any consumer group; Kafka sets the topics' `retention.ms` and the broker deletes.
   */
  enforceRetention(request: LogRetentionRequest): Promise<LogRetentionReport>;
  health(): Promise<LogHealth>;
  close(): Promise<void>;
}

export interface LogRetentionRequest {
  /** How long a record is kept after it passed ingestion (its `receivedAtMs`), ms. */
  readonly retentionMs: number;
  /** "Now" of the retention run (a controllable clock in tests). */
  readonly nowMs: number;
  /**
   * Per partition, the first offset that stays whatever its age: the caller's proof of what state still needs
   * (e.g. newest valid snapshot offset + 1). Honoured by the embedded log; Kafka deletes by time only.
   */
  readonly keepFrom?: ReadonlyMap<number, number>;
}

/** What the log did for retention; counts and names only, never personal data. */
export type LogRetentionReport =
  | {
      readonly kind: 'purged';
      readonly cutoffMs: number;
      /** Records deleted by this run. */
      readonly deleted: number;
      /** Records older than the cutoff kept because a consumer group (or `keepFrom`) still needs them. */
      readonly heldBack: number;
    }
  | {
      readonly kind: 'topic-retention';
      /** Each topic of the log with the `retention.ms` the broker reports after the change, read back. */
      readonly topics: readonly { readonly topic: string; readonly retentionMs: number; readonly previousRetentionMs: number | null }[];
    };

/**
 * An index of accepted event ids, for logs that cannot reject a duplicate id themselves (Kafka). Implemented
 * over the database by the persistence lib.
 */
export interface EventIdIndex {
  findExisting(eventIds: readonly string[]): Promise<ReadonlyMap<string, EventLocation>>;
  /** Records locations; ids already present are kept as they are (first write wins). */
  record(locations: readonly EventLocation[]): Promise<void>;
  find(eventId: string): Promise<EventLocation | null>;
}

/**
 * Where one customer's events are, for logs that cannot look a customer up themselves (Kafka): implemented over
 * the event-id index by the persistence lib.
 */
export interface CustomerEventLocator {
  locateCustomer(customerId: string): Promise<readonly EventLocation[]>;
}
