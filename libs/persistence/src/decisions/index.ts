// Repositories of the decisions area: the action outbox (delivery state and contact history of outbound channels)
// and which approved content draft serves each content reference of the action catalog.
export * from './action-outbox.repository';
export * from './content-ref-binding.repository';
export { OUTBOX_STATUSES, type ActionOutboxRow, type ContentRefBindingRow, type OutboxStatus } from './decisions-tables.entity';
