import { type ExplanationLocale, viaChannel } from './explanation-vocabulary';
import { isKnownReason, reasonPhrase } from './reason-phrases';

/**
 * A decision record's reasons name the action they concern (libs/decisioning, decision-audit.ts):
 * `selected:<action>:<channel>` for what was offered, `<action>:deferred:<reason>:until:<iso>` for what waits, and
 * `<action>:<reason>` for what was held back. Any other code is a reason of the whole record.
 */
export type DecisionReason =
  | { readonly kind: 'selected'; readonly actionId: string; readonly channel: string }
  | { readonly kind: 'deferred'; readonly actionId: string; readonly reason: string; readonly until: string }
  | { readonly kind: 'held_back'; readonly actionId: string; readonly reason: string }
  | { readonly kind: 'record'; readonly reason: string };

const UNTIL = ':until:';

export function parseDecisionReason(code: string): DecisionReason {
  const [head = '', ...args] = code.split(':');
  if (head === 'selected' && args.length >= 2) return { kind: 'selected', actionId: args[0]!, channel: args.slice(1).join(':') };
  if (isKnownReason(code) || args.length === 0) return { kind: 'record', reason: code };
  const reason = args.join(':');
  if (reason.startsWith('deferred:') && reason.includes(UNTIL)) {
    const cut = reason.lastIndexOf(UNTIL);
    return { kind: 'deferred', actionId: head, reason: reason.slice('deferred:'.length, cut), until: reason.slice(cut + UNTIL.length) };
  }
  return isKnownReason(reason) ? { kind: 'held_back', actionId: head, reason } : { kind: 'record', reason: code };
}

/** "„card-unlock“ über das Telefonmenü" / "“card-unlock” via the phone menu". */
export function offeredAction(actionId: string, channel: string, locale: ExplanationLocale): string {
  return `${quoted(actionId, locale)}${viaChannel(channel, locale)}`;
}

/** One line of the reasons section: a sentence of its own, naming the action where the reason has one. */
export function reasonSentence(reason: DecisionReason, locale: ExplanationLocale): string {
  const de = locale === 'de';
  switch (reason.kind) {
    case 'selected':
      return de ? `${offeredAction(reason.actionId, reason.channel, locale)} wurde Ihnen angeboten.` : `${offeredAction(reason.actionId, reason.channel, locale)} was offered to you.`;
    case 'deferred':
      return de
        ? `${quoted(reason.actionId, locale)} wartet bis ${reason.until}, weil ${reasonPhrase(reason.reason, locale)}.`
        : `${quoted(reason.actionId, locale)} waits until ${reason.until} because ${reasonPhrase(reason.reason, locale)}.`;
    case 'held_back':
      return de
        ? `${quoted(reason.actionId, locale)} kam nicht in Frage, weil ${reasonPhrase(reason.reason, locale)}.`
        : `${quoted(reason.actionId, locale)} was not offered because ${reasonPhrase(reason.reason, locale)}.`;
    case 'record':
      return `${de ? 'Weil' : 'Because'} ${reasonPhrase(reason.reason, locale)}.`;
  }
}

function quoted(text: string, locale: ExplanationLocale): string {
  return locale === 'de' ? `„${text}“` : `“${text}”`;
}
