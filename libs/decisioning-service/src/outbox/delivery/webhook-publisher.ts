import type { OutboxEntry } from '@kairos/persistence';
import { messageIdOf, outboxMessageOf } from '../outbox-message';
import type { ChannelPublisher } from './channel-publisher';
import type { WebhookSender } from './webhook-sender';
import { WebhookTargetRefused } from './webhook-target';

/** A channel delivered by webhook: one signed POST per row, the message id as idempotency key. */
export function webhookPublisher(url: string, sender: WebhookSender): ChannelPublisher {
  return {
    kind: 'webhook',
    async publish(entries: readonly OutboxEntry[]) {
      const results: (string | null)[] = [];
      for (const entry of entries) {
        try {
          await sender.send({ url, idempotencyKey: messageIdOf(entry.decisionId, entry.actionId), body: JSON.stringify(outboxMessageOf(entry)) });
          results.push(null);
        } catch (error) {
          results.push(error instanceof WebhookTargetRefused ? error.message : `webhook failed: ${(error as Error).message}`);
        }
      }
      return results;
    },
  };
}
