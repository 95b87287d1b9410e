import type { LoggedEvent } from '@kairos/contracts';
import type { ActionOutboxRepository, OutboxResponse } from '@kairos/persistence';
import type { ContactBook } from './contact-book';
import { parseMessageId } from './outbox-message';

const RESPONSE_OF: Readonly<Record<string, OutboxResponse>> = { message_delivered: 'delivered', message_opened: 'opened', message_clicked: 'clicked' };

/**
 * Closes the loop: response events (message_delivered/opened/clicked, sent by channels through POST /v1/events
 * like any event, `messageId` = the outbox message id) update their outbox row, and a click counts as the
 * customer accepting the action in the contact history. The catalog has no decline event yet, so declines only
 * reach the history once one exists. Applied listeners are synchronous: writes are queued, in order.
 */
export class OutboxResponses {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: ActionOutboxRepository,
    private readonly contacts: ContactBook,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  /** For PartitionWorker.onApplied. */
  readonly listener = (_partition: number, records: readonly LoggedEvent[]): void => {
    for (const { event } of records) {
      if (event.type === 'customer_erased') {
        this.contacts.forget(event.customerId);
        continue;
      }
      const response = RESPONSE_OF[event.type];
      if (!response) continue;
      const ids = parseMessageId(String((event.data as { messageId?: unknown }).messageId ?? ''));
      if (!ids) continue;
      this.tail = this.tail.then(() => this.record(ids.decisionId, ids.actionId, event.customerId, response, event.occurredAtMs)).catch((error: Error) => this.onError(error));
    }
  };

  /** Resolves once every response handed to the listener so far is stored. */
  settled(): Promise<void> {
    return this.tail;
  }

  private async record(decisionId: string, actionId: string, customerId: string, response: OutboxResponse, atMs: number): Promise<void> {
    const row = await this.repository.recordResponse(decisionId, actionId, response, atMs);
    // A response naming another customer's message is ignored for the history (the producer mixed ids up).
    if (row && response === 'clicked' && row.customerId === customerId) this.contacts.recordClick(row);
  }
}
