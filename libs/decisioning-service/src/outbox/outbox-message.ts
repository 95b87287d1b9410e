import type { OutboxEntry } from '@kairos/persistence';

/** What a channel receives per action: ids and references only, never contact data (the channel resolves it). */
export interface OutboxMessage {
  /** `${decisionId}:${actionId}`: consumers dedupe by it; response events name it as `messageId`. */
  readonly messageId: string;
  readonly decisionId: string;
  readonly actionId: string;
  readonly actionVersion: number;
  readonly channel: string;
  readonly customerId: string;
  readonly rank: number;
  readonly priority: number;
  readonly content: { readonly ref: string; readonly version: string | null; readonly campaignId: string | null; readonly variantId: string | null };
  readonly decidedAt: string;
  readonly createdAt: string;
  /** Position in the channel feed (embedded mode), null before publication. */
  readonly feedSeq: number | null;
  readonly status: string;
}

export function messageIdOf(decisionId: string, actionId: string): string {
  return `${decisionId}:${actionId}`;
}

/** Splits a message id back into decision and action; action ids never contain ':', decision ids may. */
export function parseMessageId(messageId: string): { decisionId: string; actionId: string } | null {
  const at = messageId.lastIndexOf(':');
  if (at <= 0 || at === messageId.length - 1) return null;
  return { decisionId: messageId.slice(0, at), actionId: messageId.slice(at + 1) };
}

export function outboxMessageOf(entry: OutboxEntry): OutboxMessage {
  return {
    messageId: messageIdOf(entry.decisionId, entry.actionId),
    decisionId: entry.decisionId,
    actionId: entry.actionId,
    actionVersion: entry.actionVersion,
    channel: entry.channel,
    customerId: entry.customerId,
    rank: entry.rank,
    priority: entry.priority,
    content: { ref: entry.contentRef, version: entry.contentVersion, campaignId: entry.campaignId, variantId: entry.variantId },
    decidedAt: new Date(entry.decidedAtMs).toISOString(),
    createdAt: new Date(entry.createdAtMs).toISOString(),
    feedSeq: entry.publishedSeq,
    status: entry.status,
  };
}
