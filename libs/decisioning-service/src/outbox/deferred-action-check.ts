import { CONSENT_PURPOSES, type ConsentChannel, type ConsentPurpose } from '@kairos/contracts';
import type { ActionCatalog, DecisionChannel } from '@kairos/decisioning';
import type { OutboxEntry } from '@kairos/persistence';
import { SEND, type DispatchVerdict } from './outbox-dispatcher';

const CONSENT_PURPOSE_SET: ReadonlySet<string> = new Set(CONSENT_PURPOSES);

/**
 * The customer's consent as this process knows it now: `may(purpose, channel)`, or undefined when this process
 * cannot tell (it does not own the customer's partition).
 */
export type ConsentLookup = (customerId: string, atMs: number) => ((purpose: ConsentPurpose, channel: ConsentChannel | null) => boolean) | undefined;

export interface DeferredActionCheckOptions {
  /** The catalog in force at dispatch (a retired action or ended campaign no longer goes out). */
  readonly catalog: () => Pick<ActionCatalog, 'actionsById' | 'channels'>;
  readonly consent: ConsentLookup;
  /** When this process cannot tell, look again after this long, ms (the owner's dispatcher usually is first). */
  readonly retryMs?: number;
}

/**
 * The re-check at dispatch of an action that waited (quiet hours): the decision was right when it was made, but
 * the customer may have withdrawn consent meanwhile, the action may have been retired or its campaign ended.
 * Reasons are codes, never personal data.
 */
export function deferredActionCheck(options: DeferredActionCheckOptions): (entry: OutboxEntry, nowMs: number) => DispatchVerdict {
  const retryMs = options.retryMs ?? 5_000;
  return (entry, nowMs) => {
    const catalog = options.catalog();
    const action = catalog.actionsById.get(entry.actionId);
    if (!action) return { cancel: 'expired:action_retired' };
    if (action.campaign && action.campaign.endsAtMs <= nowMs) return { cancel: `expired:campaign_ended:${action.campaign.id}` };
    const may = options.consent(entry.customerId, nowMs);
    if (!may) return { retryAtMs: nowMs + retryMs };
    const consentChannel = catalog.channels.get(entry.channel as DecisionChannel)?.consentChannel ?? null;
    for (const purpose of action.definition.purposes) {
      if (CONSENT_PURPOSE_SET.has(purpose) && !may(purpose as ConsentPurpose, consentChannel)) return { cancel: `consent_withdrawn:${purpose}:${consentChannel ?? 'any'}` };
    }
    return SEND;
  };
}
