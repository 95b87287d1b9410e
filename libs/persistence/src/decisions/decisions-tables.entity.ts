import { EntitySchema } from 'typeorm';
import { Dialect, int64Column } from '../dialect';

/**
 * Delivery state of an outbox row: pending until a channel has it, delivered once the channel confirms; cancelled
 * when a deferred action was no longer allowed at its time (consent withdrawn, expired): never sent.
 */
export const OUTBOX_STATUSES = ['pending', 'published', 'delivered', 'cancelled'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * One action a decision emitted to an outbound channel. Written in the decision's transaction (the transactional
 * outbox), published afterwards by the dispatcher; `(decisionId, actionId)` is unique, so re-emitting a replayed
 * decision adds nothing and consumers dedupe by the message id `${decisionId}:${actionId}`. `customerId` is the
 * pseudonymous customer id: no contact data is stored here, the channel resolves it.
 */
export interface ActionOutboxRow {
  id: number;
  decisionId: string;
  actionId: string;
  actionVersion: number;
  channel: string;
  customerId: string;
  rank: number;
  priority: number;
  contentRef: string;
  contentVersion: string | null;
  campaignId: string | null;
  variantId: string | null;
  decidedAtMs: number;
  createdAtMs: number;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAtMs: number;
  lastError: string | null;
  publishedAtMs: number | null;
  /** Position in the channel feed, assigned when published, increasing in commit order (the feed's cursor). */
  publishedSeq: number | null;
  deliveredAtMs: number | null;
  openedAtMs: number | null;
  clickedAtMs: number | null;
  /**
   * The dispatcher that claimed the pending row to publish it, until `leaseUntilMs`: other dispatchers leave it
   * alone meanwhile; a lease that ran out (its process died) lets the next dispatcher claim the row again.
   */
  claimedBy: string | null;
  leaseUntilMs: number | null;
}

/**
 * Which approved content draft serves a content reference of the action catalog (e.g. `card-unlock-prompt`). Set by a
 * content reviewer; `version` counts the changes, so two reviewers rebinding at once cannot silently overwrite each
 * other. Decisions still check at decision time that the bound draft's revision is approved and unexpired.
 */
export interface ContentRefBindingRow {
  ref: string;
  draftId: string;
  /** Pseudonymous principal id of who bound it (or the component, for in-process bindings). */
  boundBy: string;
  boundAtMs: number;
  version: number;
}

/** Tables of the decisions area: the action outbox (also the contact history of outbound channels) and the content ref bindings. */
export function decisionsEntities(dialect: Dialect): EntitySchema[] {
  const int64 = int64Column(dialect);
  return [
    new EntitySchema<ActionOutboxRow>({
      name: 'ActionOutbox',
      tableName: 'action_outbox',
      columns: {
        id: { ...int64, primary: true, generated: 'increment' },
        decisionId: { name: 'decision_id', type: 'varchar', length: 128 },
        actionId: { name: 'action_id', type: 'varchar', length: 64 },
        actionVersion: { name: 'action_version', type: 'integer' },
        channel: { type: 'varchar', length: 24 },
        customerId: { name: 'customer_id', type: 'varchar', length: 128 },
        rank: { type: 'integer' },
        priority: { type: dialect === 'postgres' ? 'double precision' : 'real' },
        contentRef: { name: 'content_ref', type: 'varchar', length: 100 },
        contentVersion: { name: 'content_version', type: 'varchar', length: 255, nullable: true },
        campaignId: { name: 'campaign_id', type: 'varchar', length: 64, nullable: true },
        variantId: { name: 'variant_id', type: 'varchar', length: 64, nullable: true },
        decidedAtMs: { name: 'decided_at_ms', ...int64 },
        createdAtMs: { name: 'created_at_ms', ...int64 },
        status: { type: 'varchar', length: 16 },
        attempts: { type: 'integer' },
        nextAttemptAtMs: { name: 'next_attempt_at_ms', ...int64 },
        lastError: { name: 'last_error', type: 'varchar', length: 200, nullable: true },
        publishedAtMs: { name: 'published_at_ms', ...int64, nullable: true },
        publishedSeq: { name: 'published_seq', ...int64, nullable: true },
        deliveredAtMs: { name: 'delivered_at_ms', ...int64, nullable: true },
        openedAtMs: { name: 'opened_at_ms', ...int64, nullable: true },
        clickedAtMs: { name: 'clicked_at_ms', ...int64, nullable: true },
        claimedBy: { name: 'claimed_by', type: 'varchar', length: 64, nullable: true },
        leaseUntilMs: { name: 'lease_until_ms', ...int64, nullable: true },
      },
      indices: [
        { name: 'action_outbox_message', columns: ['decisionId', 'actionId'], unique: true },
        { name: 'action_outbox_due', columns: ['status', 'nextAttemptAtMs'] },
        { name: 'action_outbox_feed', columns: ['publishedSeq'], unique: true },
        { name: 'action_outbox_customer', columns: ['customerId', 'createdAtMs'] },
      ],
    }),
    new EntitySchema<ContentRefBindingRow>({
      name: 'ContentRefBinding',
      tableName: 'content_ref_bindings',
      columns: {
        ref: { type: 'varchar', length: 100, primary: true },
        draftId: { name: 'draft_id', type: 'varchar', length: 128 },
        boundBy: { name: 'bound_by', type: 'varchar', length: 128 },
        boundAtMs: { name: 'bound_at_ms', ...int64 },
        version: { type: 'integer' },
      },
    }),
  ];
}
