// Repositories of the decisions area: the action outbox (delivery state and contact history of outbound channels).
export * from './action-outbox.repository';
export { OUTBOX_STATUSES, type ActionOutboxRow, type OutboxStatus } from './decisions-tables.entity';
