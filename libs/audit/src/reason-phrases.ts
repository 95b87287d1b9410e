import { patternedPhrase } from './patterned-reason-phrases';
import {
  channelWords,
  type ExplanationLocale,
  legalBasisWords,
  objectionDative,
  objectionWords,
  purposeWords,
  viaChannel,
} from './explanation-vocabulary';
import { OPERATION_PHRASES } from './operation-reason-phrases';
import { arg, both, type Phrase, rest } from './phrase-kit';

/**
 * Reason codes (`code:arg:arg`) as the decision path writes them (consent: libs/consent consent-decision.ts), rendered
 * as clauses that complete "You see this offer because …" / "…, weil …". Unknown codes are rendered generically.
 */
const PHRASES: Readonly<Record<string, Phrase>> = {
  consent_given: (a, l) =>
    l === 'de'
      ? `Sie der Verwendung für ${purposeWords(arg(a, 0), l)}${viaChannel(a[1], l)} zugestimmt haben`
      : `you consented to ${purposeWords(arg(a, 0), l)}${viaChannel(a[1], l)}`,
  consent_missing: (a, l) =>
    l === 'de'
      ? `Sie der Verwendung für ${purposeWords(arg(a, 0), l)}${viaChannel(a[1], l)} nicht zugestimmt haben`
      : `you have not consented to ${purposeWords(arg(a, 0), l)}${viaChannel(a[1], l)}`,
  consent_withdrawn: (a, l) =>
    l === 'de'
      ? `Sie Ihre Einwilligung in ${purposeWords(arg(a, 0), l)}${viaChannel(a[1], l)} widerrufen haben`
      : `you withdrew your consent to ${purposeWords(arg(a, 0), l)}${viaChannel(a[1], l)}`,
  consent_refused: (a, l) =>
    l === 'de'
      ? `Sie die Einwilligung in ${purposeWords(arg(a, 0), l)}${viaChannel(a[1], l)} verweigert haben`
      : `you refused consent to ${purposeWords(arg(a, 0), l)}${viaChannel(a[1], l)}`,
  legal_basis: (a, l) =>
    l === 'de'
      ? `die Verarbeitung für ${purposeWords(arg(a, 1), l)} auf ${legalBasisWords(arg(a, 0), l)} beruht`
      : `processing for ${purposeWords(arg(a, 1), l)} rests on ${legalBasisWords(arg(a, 0), l)}`,
  objected: (a, l) => (l === 'de' ? `Sie ${objectionDative(arg(a, 0))} widersprochen haben` : `you objected to ${objectionWords(arg(a, 0), l)}`),
  erased: both(
    () => 'your data has been erased at your request',
    () => 'Ihre Daten auf Ihren Antrag gelöscht wurden',
  ),
  purpose_unknown: both(
    (a) => `the purpose “${arg(a, 0)}” is not in our record of processing activities`,
    (a) => `der Zweck „${arg(a, 0)}“ nicht in unserem Verzeichnis der Verarbeitungstätigkeiten steht`,
  ),
  purpose_violation: (a, l) =>
    l === 'de'
      ? `für die Verwendung Ihrer Daten zu ${purposeWords(arg(a, 0), l)} keine Rechtsgrundlage bestand`
      : `using your data for ${purposeWords(arg(a, 0), l)} would have lacked a legal basis`,
  rule_matched: both(
    (a) => `rule ${arg(a, 1)} of the rule set “${arg(a, 0)}” applied to your situation`,
    (a) => `Regel ${arg(a, 1)} des Regelwerks „${arg(a, 0)}“ auf Ihre Situation zutraf`,
  ),
  no_rule_matched: both(
    () => 'no rule applied to your situation',
    () => 'keine Regel auf Ihre Situation zutraf',
  ),
  score_above_threshold: both(
    (a) => `the model “${arg(a, 0)}” rated this as relevant for you`,
    (a) => `das Modell „${arg(a, 0)}“ dies als für Sie relevant bewertet hat`,
  ),
  score_below_threshold: both(
    (a) => `the model “${arg(a, 0)}” rated this as not relevant enough for you`,
    (a) => `das Modell „${arg(a, 0)}“ dies als für Sie nicht relevant genug bewertet hat`,
  ),
  trigger_fired: both(
    (a) => `something you did matched the event trigger “${arg(a, 0)}”`,
    (a) => `eine Ihrer Aktivitäten den Ereignis-Auslöser „${arg(a, 0)}“ erfüllt hat`,
  ),
  contact_limit_reached: both(
    () => 'we had already contacted you as often as our contact limit allows',
    () => 'wir Sie bereits so oft kontaktiert hatten, wie unsere Kontaktobergrenze erlaubt',
  ),
  cooldown_active: both(
    () => 'you were contacted recently and a pause applies before the next contact',
    () => 'Sie kürzlich kontaktiert wurden und vor dem nächsten Kontakt eine Pause gilt',
  ),
  lower_priority: both(
    () => 'another offer had a higher priority for you',
    () => 'ein anderes Angebot für Sie Vorrang hatte',
  ),
  channel_unavailable: (a, l) =>
    l === 'de' ? `der Kanal ${channelWords(arg(a, 0), l)} nicht verfügbar war` : `the channel ${channelWords(arg(a, 0), l)} was not available`,
  eligibility_failed: both(
    (a) => `a condition for the offer (“${arg(a, 0)}”) was not met`,
    (a) => `eine Voraussetzung für das Angebot („${arg(a, 0)}“) nicht erfüllt war`,
  ),
  // The decision pipeline's own codes (libs/decisioning, stages/*.stage.ts), as a held-back action records them.
  ineligible: (a, l) => {
    if (a[0] === 'rule_unavailable') return l === 'de' ? `das Regelwerk „${arg(a, 1)}“, das darüber entscheidet, nicht in Betrieb war` : `the rule set “${arg(a, 1)}” that decides on it was not deployed`;
    if (a[0] === 'rule') return l === 'de' ? `das Regelwerk „${arg(a, 1)}“ es für Sie nicht vorsah` : `the rule set “${arg(a, 1)}” did not select it for you`;
    return l === 'de' ? `die Voraussetzung „${rest(a, 0)}“ nicht erfüllt war` : `the condition “${rest(a, 0)}” was not met`;
  },
  not_applicable: (a, l) => {
    if (a[0] === 'placement') return l === 'de' ? 'es an dieser Stelle nicht angeboten wird' : 'it is not offered in this place';
    if (a[0] === 'no_trigger') return l === 'de' ? 'kein Ereignis den Anlass dafür gegeben hat' : 'nothing you did gave occasion for it';
    return l === 'de' ? 'die Bedingung für seinen Einsatz nicht erfüllt war' : 'the condition for using it was not met';
  },
  campaign_inactive: both(
    (a) => `the campaign “${arg(a, 0)}” was not running`,
    (a) => `die Kampagne „${arg(a, 0)}“ nicht lief`,
  ),
  not_in_segment: both(
    (a) => `you are not in the target group of the campaign “${arg(a, 0)}”`,
    (a) => `Sie nicht zur Zielgruppe der Kampagne „${arg(a, 0)}“ gehören`,
  ),
  control_group: both(
    (a) => `you are in the control group of the campaign “${arg(a, 0)}”, which receives nothing so that the campaign's effect can be measured`,
    (a) => `Sie zur Kontrollgruppe der Kampagne „${arg(a, 0)}“ gehören, die nichts erhält, damit die Wirkung der Kampagne messbar ist`,
  ),
  campaign_exclusion: both(
    (a) => `the campaign “${arg(a, 0)}” contacted you recently`,
    (a) => `die Kampagne „${arg(a, 0)}“ Sie kürzlich angesprochen hat`,
  ),
  campaign_full: both(
    (a) => `the campaign “${arg(a, 0)}” had reached its largest audience`,
    (a) => `die Kampagne „${arg(a, 0)}“ ihre höchste Empfängerzahl erreicht hatte`,
  ),
  responsible_lending: (a, l) => {
    if (a[0] === 'in_arrears') return l === 'de' ? 'Sie mit Zahlungen im Rückstand sind und wir dann keinen weiteren Kredit anbieten' : 'you are behind with payments, and we then offer no further credit';
    if (a[0] === 'over_limit') return l === 'de' ? 'Ihre Kreditkarte über dem Limit ist und wir dann keinen weiteren Kredit anbieten' : 'your credit card is over its limit, and we then offer no further credit';
    return l === 'de' ? 'die Angaben für eine verantwortungsvolle Kreditvergabe nicht vorlagen' : 'the information responsible lending needs was not available';
  },
  decline_cooldown: both(
    () => 'you declined this offer recently',
    () => 'Sie dieses Angebot kürzlich abgelehnt haben',
  ),
  capacity: (a, l) => (l === 'de' ? `der Kanal ${channelWords(arg(a, 0), l)} ausgelastet war` : `the channel ${channelWords(arg(a, 0), l)} was at capacity`),
  quiet_hours: (a, l) => (l === 'de' ? `bei Ihnen für ${channelWords(arg(a, 0), l)} Ruhezeit war` : `it was quiet hours for ${channelWords(arg(a, 0), l)} where you are`),
  arbitration: (a, l) => {
    if (a[0] === 'other_channel_chosen') return l === 'de' ? 'es Ihnen über einen anderen Kanal angeboten wird' : 'it is offered to you on another channel';
    if (a[0] === 'group') return l === 'de' ? `aus derselben Gruppe „${arg(a, 1)}“ schon „${arg(a, 2)}“ gewählt wurde` : `“${arg(a, 2)}” was chosen from the same group “${arg(a, 1)}”`;
    return l === 'de' ? 'andere Angebote für Sie Vorrang hatten' : 'other offers ranked higher for you';
  },
  content_not_approved: both(
    () => 'the message has not been approved by a human reviewer',
    () => 'die Nachricht nicht von einer prüfenden Person freigegeben war',
  ),
  human_review_requested: both(
    () => 'a human review of the decision was requested',
    () => 'eine Überprüfung der Entscheidung durch einen Menschen verlangt wurde',
  ),
  retention_expired: both(
    (a) => `the retention period for ${arg(a, 0, 'these data')} ended`,
    (a) => `die Aufbewahrungsfrist für ${arg(a, 0, 'diese Daten')} abgelaufen war`,
  ),
  permission_missing: both(
    (a) => `the permission “${arg(a, 0)}” was missing`,
    (a) => `die Berechtigung „${arg(a, 0)}“ fehlte`,
  ),
  ...OPERATION_PHRASES,
  not_scored: (a, l) =>
    l === 'de' ? `das Modell „${arg(a, 0)}“ nicht angewandt wurde, weil ${reasonPhrase(rest(a, 1), l)}` : `the model “${arg(a, 0)}” was not applied because ${reasonPhrase(rest(a, 1), l)}`,
};

/** Aliases other parts of the platform use for the same reasons. */
const ALIASES: Readonly<Record<string, string>> = {
  frequency_cap: 'contact_limit_reached',
  contact_policy: 'contact_limit_reached',
  arbitration_lost: 'lower_priority',
  objection: 'objected',
  customer_erased: 'erased',
};

/** A reason code in words; never throws, whatever the code looks like. */
export function reasonPhrase(code: string, locale: ExplanationLocale): string {
  const [name, ...args] = String(code).split(':');
  const phrase = PHRASES[ALIASES[name] ?? name];
  if (phrase !== undefined) return phrase(args, locale);
  const patterned = patternedPhrase(name, locale);
  if (patterned !== undefined && args.length === 0) return patterned;
  return locale === 'de' ? `der Grund „${String(code)}“ vorlag` : `the reason “${String(code)}” applied`;
}

export function isKnownReason(code: string): boolean {
  const name = String(code).split(':')[0];
  return PHRASES[ALIASES[name] ?? name] !== undefined || (patternedPhrase(name, 'en') !== undefined && !String(code).includes(':'));
}
