import type { ActionOutboxRepository, OutboxEntry } from '@kairos/persistence';
import { ActionOutboxSink } from './action-outbox.sink';
import { ContactBook, type ContactBookOptions } from './contact-book';
import { FEED_PUBLISHER, type ChannelPublisher } from './delivery/channel-publisher';
import { KafkaActionPublisher } from './delivery/kafka-action-publisher';
import { webhookPublisher } from './delivery/webhook-publisher';
import { WebhookSender, type WebhookSenderOptions } from './delivery/webhook-sender';
import { OutboxDispatcher, type OutboxDispatcherOptions } from './outbox-dispatcher';
import { NO_OUTBOX_FAULTS, type OutboxFaults } from './outbox-faults';
import { OutboxResponses } from './outbox-responses';

export interface OutboxOptions {
  readonly repository: ActionOutboxRepository;
  /** Channels whose actions enter the outbox: the catalog's outbound channels. */
  readonly channels: readonly string[];
  /** Kafka mode: channels without a webhook go to `${topicPrefix}<channel>`; else the outbox is their feed. */
  readonly kafka?: { readonly brokers: readonly string[]; readonly topicPrefix?: string };
  /** Channels delivered by webhook, with the sender's signing key and SSRF policy. */
  readonly webhooks?: { readonly urls: Readonly<Record<string, string>>; readonly sender: WebhookSenderOptions };
  readonly faults?: OutboxFaults;
  readonly contactBook?: ContactBookOptions;
  readonly dispatcher?: Pick<OutboxDispatcherOptions, 'pollMs' | 'batchSize' | 'claimant' | 'leaseMs' | 'backoffMs' | 'onPublished' | 'vet' | 'onCancelled' | 'admit'>;
  readonly clock?: () => number;
  readonly onError?: (error: Error, where: string) => void;
}

/** The assembled outbox: the sink and contact history for decisions, the dispatcher, the response listener. */
export interface Outbox {
  readonly sink: ActionOutboxSink;
  readonly contacts: ContactBook;
  readonly dispatcher: OutboxDispatcher;
  readonly responses: OutboxResponses;
  readonly repository: ActionOutboxRepository;
  /** Which way each outbox channel is delivered. */
  readonly routes: Readonly<Record<string, ChannelPublisher['kind']>>;
  /**
   * Loads the contact history of the horizon from the table and, in Kafka mode, connects to the channels' topics
   * (call once before decisions are served). Resolves with the contacts loaded.
   */
  warm(): Promise<number>;
  close(): Promise<void>;
}

/** Largest number of outbox rows read to warm the contact history; beyond it the oldest contacts are missing. */
const WARM_LIMIT = 2_000_000;

export function createOutbox(options: OutboxOptions): Outbox {
  const clock = options.clock ?? Date.now;
  const onError = options.onError ?? (() => undefined);
  const faults = options.faults ?? NO_OUTBOX_FAULTS;
  const contacts = new ContactBook({ clock, ...options.contactBook });
  const kafka = options.kafka ? new KafkaActionPublisher({ brokers: options.kafka.brokers, ...(options.kafka.topicPrefix ? { topicPrefix: options.kafka.topicPrefix } : {}) }) : null;
  const sender = options.webhooks ? new WebhookSender({ clock, ...options.webhooks.sender }) : null;
  const publishers = new Map<string, ChannelPublisher>();
  for (const channel of options.channels) {
    const url = options.webhooks?.urls[channel];
    publishers.set(channel, url && sender ? webhookPublisher(url, sender) : (kafka ?? FEED_PUBLISHER));
  }
  // A row of a channel no longer configured (catalog changed) stays visible in the feed rather than stuck.
  const publisherFor = (channel: string) => publishers.get(channel) ?? kafka ?? FEED_PUBLISHER;
  const dispatcher = new OutboxDispatcher({ ...options.dispatcher, repository: options.repository, publisherFor, faults, clock, onError: (error) => onError(error, 'dispatch') });
  const sink = new ActionOutboxSink({ repository: options.repository, contacts, channels: new Set(options.channels), ...(options.faults ? { faults } : {}), clock, dispatch: dispatcher });
  const responses = new OutboxResponses(options.repository, contacts, (error) => onError(error, 'response'));
  return {
    sink,
    contacts,
    dispatcher,
    responses,
    repository: options.repository,
    routes: Object.fromEntries([...publishers].map(([channel, publisher]) => [channel, publisher.kind])),
    async warm() {
      const kafkaChannels = [...publishers].filter(([, publisher]) => publisher === kafka).map(([channel]) => channel);
      const prepared = kafka?.prepare(kafkaChannels).catch((error: Error) => onError(error, 'prepare'));
      const rows: OutboxEntry[] = await options.repository.createdSince(clock() - contacts.horizon, WARM_LIMIT);
      for (const row of rows) contacts.recordEntry(row);
      await prepared;
      return rows.length;
    },
    async close() {
      await dispatcher.stop();
      await responses.settled();
      await kafka?.close();
    },
  };
}
