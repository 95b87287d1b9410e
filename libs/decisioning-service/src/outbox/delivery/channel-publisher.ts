import type { OutboxEntry } from '@kairos/persistence';

/**
 * Hands outbox rows to a channel, at least once. Returns per row null (the channel has it) or an error text
 * without personal data (the row is retried later). A row reported as published may still arrive twice: the
 * consumer dedupes by message id.
 */
export interface ChannelPublisher {
  readonly kind: 'feed' | 'kafka' | 'webhook';
  publish(entries: readonly OutboxEntry[]): Promise<readonly (string | null)[]>;
  close?(): Promise<void>;
}

/** Embedded mode: the outbox table is the channel feed (GET /v1/outbox); publishing only numbers rows into it. */
export const FEED_PUBLISHER: ChannelPublisher = {
  kind: 'feed',
  publish: async (entries) => entries.map(() => null),
};
