import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import type { KairosConfig } from '@kairos/config';
import type { ActionCatalog } from '@kairos/decisioning';
import { may } from '@kairos/consent';
import { partitionForCustomer } from '@kairos/contracts';
import {
  createOutbox,
  deferredActionCheck,
  OutboxModule,
  parseOutboxFaults,
  type ActionSink,
  type ConsentLookup,
  type ContactHistory,
  type Outbox,
  type OutboxDispatcherOptions,
  type OutboxFaults,
} from '@kairos/decisioning-service';
import { consentState, profileOf } from '@kairos/profile';
import type { Logger } from '@kairos/observability';
import { ActionOutboxRepository } from '@kairos/persistence';
import type { DataSource } from 'typeorm';
import type { KairosRuntime } from './kairos-runtime';

/** What the runtime hands the decision core and the HTTP app. */
export interface OutboxParts {
  readonly sink: ActionSink;
  readonly contacts: ContactHistory;
  /** Started by the process that owns partitions (startWorker); stop before closing the database. */
  readonly dispatcher: { start(): void; stop(): Promise<void> };
  readonly outbox: Outbox;
  readonly repository: ActionOutboxRepository;
  /** GET /v1/outbox and the ack route, bound to this outbox's table. */
  readonly httpModule: DynamicModule;
  close(): Promise<void>;
}

export interface OpenOutboxOptions {
  /** Outbound channels of the catalog get an outbox; inbound ones answer in the request itself. */
  readonly catalog: Pick<ActionCatalog, 'channels' | 'actionsById'>;
  readonly logger: Logger;
  /** Consent at dispatch time for actions that waited (quiet hours); without it they go out unchecked (tests). */
  readonly consent?: ConsentLookup;
  /** Channel capacity at dispatch (the cluster-wide budget); without it every due row goes out. */
  readonly admit?: OutboxDispatcherOptions['admit'];
  /** The partition worker: response events (message_delivered/opened/clicked) and erasures reach the outbox. */
  readonly worker?: { onApplied(listener: Outbox['responses']['listener']): void };
  /** Overrides the fault spec (tests); default KAIROS_FAULT_OUTBOX outside production. */
  readonly faults?: OutboxFaults;
  readonly clock?: () => number;
}

/**
 * Consent of the customers whose partitions this process owns, read from the folded profile (the same state the
 * decision read); undefined for others, so their deferred actions wait for the owner's dispatcher.
 */
export function consentFromWorker(runtime: Pick<KairosRuntime, 'config' | 'worker' | 'governance'>): ConsentLookup {
  const policy = runtime.governance.purposes.policy;
  return (customerId, atMs) => {
    const store = runtime.worker.store(partitionForCustomer(customerId, runtime.config.partitions));
    if (!store) return undefined;
    const profile = profileOf(store, customerId);
    // Owned but no profile: erased (or never seen): nothing may be sent.
    if (!profile) return () => false;
    const consent = consentState(profile);
    return (purpose, channel) => may(consent, purpose, channel, atMs, policy).allowed;
  };
}

/** The catalog's channels of direction `outbound`. */
export function outboundChannelsOf(catalog: Pick<ActionCatalog, 'channels'>): string[] {
  return [...catalog.channels].filter(([, policy]) => policy.direction === 'outbound').map(([channel]) => channel);
}

/**
 * Builds the action outbox from the configuration: webhooks per channel (SSRF-guarded, signed), else the Kafka
 * topic per channel in Kafka mode, else the embedded feed. Warms the contact history from the table before it
 * returns, so the first decision already sees past contacts. Misconfigured webhooks fail the start, not a send.
 */
export async function openOutbox(config: KairosConfig, database: DataSource, options: OpenOutboxOptions): Promise<OutboxParts> {
  const logger = options.logger.child({ component: 'outbox' });
  const repository = new ActionOutboxRepository(database);
  const channels = outboundChannelsOf(options.catalog);
  const outbox = createOutbox({
    repository,
    channels,
    ...(config.kafkaBrokers ? { kafka: { brokers: config.kafkaBrokers.split(','), topicPrefix: config.outboxTopicPrefix } } : {}),
    ...webhookOptions(config, channels),
    faults: options.faults ?? faultsOf(config),
    ...(options.clock ? { clock: options.clock } : {}),
    dispatcher: {
      ...dispatcherIdentity(config, database),
      ...(options.consent ? { vet: deferredActionCheck({ catalog: () => options.catalog, consent: options.consent }) } : {}),
      ...(options.admit ? { admit: options.admit } : {}),
      onCancelled: (entry, reason) => logger.info({ actionId: entry.actionId, channel: entry.channel, reason }, 'outbox action cancelled at dispatch'),
    },
    onError: (error, where) => logger.warn({ err: error.message, where }, 'outbox step failed; it is retried'),
  });
  const warmed = await outbox.warm();
  options.worker?.onApplied(outbox.responses.listener);
  logger.info({ routes: outbox.routes, warmedContacts: warmed }, 'action outbox open');
  return {
    sink: outbox.sink,
    contacts: outbox.contacts,
    dispatcher: outbox.dispatcher,
    outbox,
    repository,
    httpModule: OutboxModule.forRootAsync({ useFactory: () => repository }),
    close: () => outbox.close(),
  };
}

function webhookOptions(config: KairosConfig, channels: readonly string[]): Pick<Parameters<typeof createOutbox>[0], 'webhooks'> {
  const urls = config.outboxWebhooks;
  if (!urls || Object.keys(urls).length === 0) return {};
  if (!config.outboxWebhookSecret) throw new Error('KAIROS_OUTBOX_WEBHOOKS needs KAIROS_OUTBOX_WEBHOOK_SECRET (the HMAC signing key)');
  const allowed = new Set(config.outboxWebhookAllowedHosts.map((host) => host.toLowerCase()));
  for (const [channel, url] of Object.entries(urls)) {
    if (!channels.includes(channel)) throw new Error(`KAIROS_OUTBOX_WEBHOOKS names ${channel}, which is not an outbound channel of the catalog`);
    if (!allowed.has(new URL(url).hostname.toLowerCase())) throw new Error(`KAIROS_OUTBOX_WEBHOOKS: the host of the ${channel} webhook is not in KAIROS_OUTBOX_WEBHOOK_ALLOWED_HOSTS`);
  }
  return {
    webhooks: {
      urls,
      sender: { secret: config.outboxWebhookSecret, allowedHosts: config.outboxWebhookAllowedHosts, allowedAddresses: config.outboxWebhookAllowedAddresses },
    },
  };
}

/**
 * Who this process's dispatcher claims outbox rows as. An SQLite file belongs to the one process of its data
 * directory: named after the directory, a restart after a crash takes its claimed rows back at once. On PostgreSQL
 * several processes share the table and may use the same path on different hosts: a name per process life (the
 * default), and a crashed process's rows go out when its lease runs out.
 */
function dispatcherIdentity(config: KairosConfig, database: DataSource): { claimant?: string } {
  if (database.options.type === 'postgres') return {};
  return { claimant: `embedded-${createHash('sha256').update(resolve(config.dataDir)).digest('hex').slice(0, 16)}` };
}

function faultsOf(config: KairosConfig): OutboxFaults | undefined {
  if (!config.outboxFault) return undefined;
  if (config.nodeEnv === 'production') return undefined;
  return parseOutboxFaults(config.outboxFault);
}
