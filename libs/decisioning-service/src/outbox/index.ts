// The action outbox: the ActionSink and ContactHistory of the decision core, the dispatcher that delivers committed
// actions to their channels (feed, Kafka topic or SSRF-guarded webhook), and the channel feed's HTTP module.
export { createOutbox, type Outbox, type OutboxOptions } from './create-outbox';
export { ActionOutboxSink, outboxEntriesOf } from './action-outbox.sink';
export { ContactBook, type ContactBookOptions } from './contact-book';
export { DEFAULT_OUTBOX_LEASE_MS, OutboxDispatcher, SEND, exponentialBackoff, hasWaited, type ChannelAdmission, type DispatchVerdict, type OutboxDispatcherOptions } from './outbox-dispatcher';
export { deferredActionCheck, type ConsentLookup, type DeferredActionCheckOptions } from './deferred-action-check';
export { OutboxResponses } from './outbox-responses';
export { OUTBOX_FAULT_POINTS, NO_OUTBOX_FAULTS, parseOutboxFaults, type OutboxFaultPoint, type OutboxFaults } from './outbox-faults';
export { messageIdOf, outboxMessageOf, parseMessageId, type OutboxMessage } from './outbox-message';
export { FEED_PUBLISHER, type ChannelPublisher } from './delivery/channel-publisher';
export { ACTION_MESSAGE_ID_HEADER, KafkaActionPublisher } from './delivery/kafka-action-publisher';
export { WEBHOOK_HEADERS, WebhookSender, webhookSignature, type WebhookSenderOptions } from './delivery/webhook-sender';
export { WebhookTargetRefused, systemResolver, vetWebhookTarget, type HostResolver, type WebhookTargetPolicy } from './delivery/webhook-target';
export { forbiddenAddressReason } from './delivery/address-policy';
export { OutboxModule, type OutboxModuleAsyncOptions } from './http/outbox.module';
export { OutboxController } from './http/outbox.controller';
