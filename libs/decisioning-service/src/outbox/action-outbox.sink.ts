import type { DecisionOutcome } from '@kairos/decisioning';
import type { ActionOutboxRepository, NewOutboxEntry, OutboxEntry } from '@kairos/persistence';
import type { ActionSink } from '../decision-sources';
import type { ContactBook } from './contact-book';
import type { EmitDispatch } from './outbox-dispatcher';
import { NO_OUTBOX_FAULTS, type OutboxFaults } from './outbox-faults';

export interface ActionOutboxSinkOptions {
  readonly repository: ActionOutboxRepository;
  readonly contacts: ContactBook;
  /** Channels whose actions go to the outbox (the catalog's outbound channels); others have no delivery path. */
  readonly channels: ReadonlySet<string>;
  readonly faults?: OutboxFaults;
  readonly clock?: () => number;
  /** The dispatcher: it hands out the claim an emit's rows are written under and takes them over after the commit. */
  readonly dispatch?: EmitDispatch;
}

/** The rows an outcome puts into the outbox: one per ranked action on an outbox channel. */
export function outboxEntriesOf(outcome: DecisionOutcome, channels: ReadonlySet<string>, nowMs: number): NewOutboxEntry[] {
  return outcome.actions
    .filter((action) => channels.has(action.channel))
    .map((action) => ({
      decisionId: outcome.decisionId,
      actionId: action.actionId,
      actionVersion: action.actionVersion,
      channel: action.channel,
      customerId: outcome.customerId,
      rank: action.rank,
      priority: action.priority,
      contentRef: action.content.ref,
      contentVersion: action.content.version,
      campaignId: action.content.campaignId,
      variantId: action.content.variantId,
      decidedAtMs: outcome.decidedAtMs,
      createdAtMs: nowMs,
      // Quiet hours: stored now (it survives a restart), due at the end of the customer's quiet window.
      ...(action.deferredUntilMs === undefined ? {} : { notBeforeMs: action.deferredUntilMs }),
    }));
}

/**
 * The ActionSink of the partition workers: every action of a batch of outcomes in ONE transaction, resolved after
 * commit. Emitting a decision again (a replayed trigger fire keeps its decision id) inserts nothing.
 */
export class ActionOutboxSink implements ActionSink {
  private readonly faults: OutboxFaults;
  private readonly clock: () => number;

  constructor(private readonly options: ActionOutboxSinkOptions) {
    this.faults = options.faults ?? NO_OUTBOX_FAULTS;
    this.clock = options.clock ?? Date.now;
  }

  async emit(outcomes: readonly DecisionOutcome[]): Promise<void> {
    const now = this.clock();
    const entries = outcomes.flatMap((outcome) => outboxEntriesOf(outcome, this.options.channels, now));
    if (entries.length === 0) return;
    const claim = this.options.dispatch?.claimForEmit() ?? null;
    let added: OutboxEntry[] = [];
    try {
      // The fault hook needs a transaction to roll back; without faults, PostgreSQL writes the emit in one statement.
      added = await this.options.repository.insertAll(entries, this.options.faults ? () => this.faults.at('before-commit') : undefined, claim ?? undefined);
      this.faults.at('after-commit');
    } finally {
      this.options.dispatch?.emitted(claim, added);
    }
    // Only new rows are contacts: a replayed decision was counted when it was first emitted.
    for (const entry of added) this.options.contacts.recordEntry(entry);
  }
}
