import type { AuditRecord, AuditRecordKind } from './audit-record';
import {
  consentStatusWords,
  type ExplanationLocale,
  featureWords,
  fieldOf,
  joinClauses,
  objectionWords,
  plainText,
  purposeWords,
  signedNumber,
  valueWords,
  viaChannel,
} from './explanation-vocabulary';
import { type DecisionReason, offeredAction, parseDecisionReason, reasonSentence } from './decision-reasons';
import { rankingLines } from './ranking-lines';
import { reasonPhrase } from './reason-phrases';

/** The personal data of a record as the caller could open it: the values, `erased` once the key is gone. */
export type OpenedPersonalData = Readonly<Record<string, unknown>> | 'erased';

export type ExplanationTopic = 'inputs' | 'logic' | 'ranking' | 'consent' | 'reasons' | 'counterfactuals' | 'personal_data' | 'record';

export interface ExplanationSection {
  readonly topic: ExplanationTopic;
  readonly heading: string;
  readonly lines: readonly string[];
}

export interface AuditExplanation {
  readonly recordId: string;
  readonly kind: AuditRecordKind;
  readonly locale: ExplanationLocale;
  /** "You see this offer because …" — the answer to "why?" in one sentence. */
  readonly summary: string;
  readonly sections: readonly ExplanationSection[];
  /** Summary and sections as plain text, for letters and the customer portal. */
  readonly text: string;
}

/** How each kind of record opens its summary, and what it says when no reason was recorded. */
const LEADS: Readonly<Record<AuditRecordKind, Readonly<Record<ExplanationLocale, { lead: string; plain: string }>>>> = {
  decision_served: {
    en: { lead: 'You see this offer because', plain: 'You see this offer because the rules and models below selected it for you.' },
    de: { lead: 'Sie sehen dieses Angebot, weil', plain: 'Sie sehen dieses Angebot, weil die unten beschriebenen Regeln und Modelle es für Sie ausgewählt haben.' },
  },
  action_suppressed: {
    en: { lead: 'You did not receive this offer because', plain: 'You did not receive this offer.' },
    de: { lead: 'Sie haben dieses Angebot nicht erhalten, weil', plain: 'Sie haben dieses Angebot nicht erhalten.' },
  },
  trigger_fired: {
    en: { lead: 'An action was started for you because', plain: 'An action was started for you by an event trigger.' },
    de: { lead: 'Für Sie wurde eine Aktion gestartet, weil', plain: 'Für Sie wurde durch einen Ereignis-Auslöser eine Aktion gestartet.' },
  },
  score_computed: {
    en: { lead: 'A score was computed for you because', plain: 'A score was computed for you.' },
    de: { lead: 'Für Sie wurde ein Score berechnet, weil', plain: 'Für Sie wurde ein Score berechnet.' },
  },
  model_promoted: {
    en: { lead: 'A model version was put into use because', plain: 'A model version was put into use.' },
    de: { lead: 'Eine Modellversion wurde in Betrieb genommen, weil', plain: 'Eine Modellversion wurde in Betrieb genommen.' },
  },
  ruleset_deployed: {
    en: { lead: 'A rule set version was deployed because', plain: 'A rule set version was deployed.' },
    de: { lead: 'Eine Regelwerksversion wurde in Betrieb genommen, weil', plain: 'Eine Regelwerksversion wurde in Betrieb genommen.' },
  },
  content_approved: {
    en: { lead: 'This content was approved because', plain: 'This content was approved by a reviewer.' },
    de: { lead: 'Dieser Inhalt wurde freigegeben, weil', plain: 'Dieser Inhalt wurde von einer prüfenden Person freigegeben.' },
  },
  content_changed: {
    en: { lead: 'The state of this content changed because', plain: 'This content was drafted, revised, submitted, retired, rejected or sent back for changes.' },
    de: { lead: 'Der Stand dieses Inhalts hat sich geändert, weil', plain: 'Dieser Inhalt wurde entworfen, überarbeitet, eingereicht, zurückgezogen, abgelehnt oder zur Überarbeitung zurückgegeben.' },
  },
  campaign_changed: {
    en: { lead: 'The state of this campaign changed because', plain: 'This campaign was drafted, revised, submitted for review, approved or retired.' },
    de: { lead: 'Der Stand dieser Kampagne hat sich geändert, weil', plain: 'Diese Kampagne wurde entworfen, überarbeitet, zur Prüfung eingereicht, freigegeben oder beendet.' },
  },
  trigger_set_changed: {
    en: { lead: 'The set of triggers changed because', plain: 'A trigger set was drafted, revised, submitted for review, approved, deployed, retired or rolled back.' },
    de: { lead: 'Der Satz der Auslöser hat sich geändert, weil', plain: 'Ein Satz von Auslösern wurde entworfen, überarbeitet, zur Prüfung eingereicht, freigegeben, in Betrieb genommen, beendet oder zurückgesetzt.' },
  },
  consent_changed: {
    en: { lead: 'Your consent was recorded as changed because', plain: 'A change of your consent was recorded.' },
    de: { lead: 'Eine Änderung Ihrer Einwilligung wurde festgehalten, weil', plain: 'Eine Änderung Ihrer Einwilligung wurde festgehalten.' },
  },
  objection_recorded: {
    en: { lead: 'Your objection was recorded because', plain: 'Your objection was recorded.' },
    de: { lead: 'Ihr Widerspruch wurde festgehalten, weil', plain: 'Ihr Widerspruch wurde festgehalten.' },
  },
  dsr_executed: {
    en: { lead: 'Your data-subject request was carried out because', plain: 'Your data-subject request was carried out.' },
    de: { lead: 'Ihr Betroffenenantrag wurde ausgeführt, weil', plain: 'Ihr Betroffenenantrag wurde ausgeführt.' },
  },
  review_requested: {
    en: { lead: 'A human review was requested because', plain: 'A human review of a decision was requested.' },
    de: { lead: 'Eine Überprüfung durch einen Menschen wurde verlangt, weil', plain: 'Eine Überprüfung einer Entscheidung durch einen Menschen wurde verlangt.' },
  },
  retention_enforced: {
    en: { lead: 'Data were deleted under the retention policy because', plain: 'Data were deleted under the retention policy.' },
    de: { lead: 'Daten wurden gemäß den Aufbewahrungsregeln gelöscht, weil', plain: 'Daten wurden gemäß den Aufbewahrungsregeln gelöscht.' },
  },
  access_denied: {
    en: { lead: 'Access was refused because', plain: 'Access was refused.' },
    de: { lead: 'Der Zugriff wurde verweigert, weil', plain: 'Der Zugriff wurde verweigert.' },
  },
};

const HEADINGS: Readonly<Record<ExplanationTopic, Readonly<Record<ExplanationLocale, string>>>> = {
  inputs: { en: 'What was taken into account', de: 'Was berücksichtigt wurde' },
  logic: { en: 'Rules and models that decided', de: 'Regeln und Modelle, die entschieden haben' },
  ranking: { en: 'How the offers were ranked', de: 'Wie die Angebote gereiht wurden' },
  consent: { en: 'Consent in force at the time', de: 'Damals geltende Einwilligungen' },
  reasons: { en: 'Reasons', de: 'Gründe' },
  counterfactuals: { en: 'What would have changed the result', de: 'Was das Ergebnis geändert hätte' },
  personal_data: { en: 'Personal data in this record', de: 'Personenbezogene Daten in diesem Eintrag' },
  record: { en: 'About this record', de: 'Über diesen Eintrag' },
};

/**
 * Renders a record in plain language (Art. 15(1)(h), Art. 22 GDPR; CJEU C-203/22: the logic involved, in words a
 * person can contest). It reads only the record and never throws on content it does not know: unknown reason codes
 * and kinds are rendered generically.
 */
export function explainRecord(record: AuditRecord, locale: ExplanationLocale, personalData?: OpenedPersonalData): AuditExplanation {
  const reasons = stringsOf(record.reasons).map(parseDecisionReason);
  const ranking = rankingLines(record.output, locale);
  const sections = [
    section('inputs', locale, inputLines(record, locale)),
    section('logic', locale, logicLines(record, locale)),
    section('ranking', locale, ranking),
    section('consent', locale, consentLines(record, locale)),
    // What was offered is in the ranking when the record has one; the reasons then say why the rest was not.
    section('reasons', locale, reasons.filter((reason) => reason.kind !== 'selected' || ranking.length === 0).map((reason) => reasonSentence(reason, locale))),
    section('counterfactuals', locale, counterfactualLines(record, locale)),
    section('personal_data', locale, personalDataLines(record, locale, personalData)),
    section('record', locale, recordLines(record, locale)),
  ].filter((s) => s.lines.length > 0);
  const summary = summaryOf(record, reasons, locale);
  const text = [summary, ...sections.map((s) => `${s.heading}:\n${s.lines.map((line) => `- ${line}`).join('\n')}`)].join('\n\n');
  return { recordId: record.id, kind: record.kind, locale, summary, sections, text };
}

/**
 * The answer to "why?" in one sentence. A decision names what it offered and why; one that offered nothing says so
 * (each held-back action's reason is in the reasons section); any other record joins its reasons to its kind's lead.
 */
function summaryOf(record: AuditRecord, reasons: readonly DecisionReason[], locale: ExplanationLocale): string {
  const de = locale === 'de';
  const selected = reasons.filter((reason) => reason.kind === 'selected');
  const recordReasons = reasons.flatMap((reason) => (reason.kind === 'record' ? [reasonPhrase(reason.reason, locale)] : []));
  if (selected.length > 0) {
    const offered = joinClauses(selected.map((reason) => offeredAction(reason.actionId, reason.channel, locale)), locale);
    const ranked = selected.length === 1
      ? (de ? 'es alle Voraussetzungen erfüllte und für Sie den höchsten Rang hatte' : 'it met every condition and ranked highest for you')
      : (de ? 'sie alle Voraussetzungen erfüllten und für Sie die höchsten Ränge hatten' : 'they met every condition and ranked highest for you');
    const why = [...occasionPhrases(record, locale), ...recordReasons, ranked];
    return de ? `Sie sehen ${offered}, weil ${joinClauses(why, locale)}.` : `You see ${offered} because ${joinClauses(why, locale)}.`;
  }
  if (record.kind === 'decision_served' && reasons.some((reason) => reason.kind === 'held_back' || reason.kind === 'deferred') && recordReasons.length === 0) {
    return de ? 'Für diese Anfrage kam kein Angebot in Frage; warum, steht für jedes Angebot unter „Gründe“.' : 'No offer qualified for this request; the reasons for each offer are listed under “Reasons”.';
  }
  const lead = LEADS[plainText(record.kind) as AuditRecordKind]?.[locale] ?? { lead: de ? 'Dieser Eintrag wurde erstellt, weil' : 'This record was made because', plain: plainText(record.kind) };
  return recordReasons.length > 0 ? `${lead.lead} ${joinClauses(recordReasons, locale)}.` : lead.plain;
}

/**
 * The event triggers that weighed for an offered action: those of the record's triggers that its context weight
 * matched (ranking factors). A trigger that was merely present at the decision is not claimed as its occasion.
 */
function occasionPhrases(record: AuditRecord, locale: ExplanationLocale): string[] {
  const triggerIds = record.logic?.triggerId === undefined ? [] : plainText(record.logic.triggerId).split(',').filter((id) => id !== '');
  const actions = fieldOf(record.output, 'actions');
  const weighed = (Array.isArray(actions) ? actions : []).flatMap((action: unknown) => {
    const matched = fieldOf(action, 'factors', 'contextWeight', 'matched');
    return Array.isArray(matched) ? matched.map(plainText) : [];
  });
  return triggerIds.filter((id) => weighed.some((description) => description.includes(`trigger=${id}`))).map((id) => reasonPhrase(`trigger_fired:${id}`, locale));
}

function section(topic: ExplanationTopic, locale: ExplanationLocale, lines: readonly string[]): ExplanationSection {
  return { topic, heading: HEADINGS[topic][locale], lines };
}

function inputLines(record: AuditRecord, locale: ExplanationLocale): string[] {
  return arrayOf(record.inputs).map((input) => `${featureWords(plainText(input?.feature))}: ${valueWords(input?.value, locale)}`);
}

function logicLines(record: AuditRecord, locale: ExplanationLocale): string[] {
  const logic = record.logic ?? {};
  const de = locale === 'de';
  const lines: string[] = [];
  if (logic.triggerId !== undefined) lines.push(de ? `Ereignis-Auslöser „${plainText(logic.triggerId)}“` : `Event trigger “${plainText(logic.triggerId)}”`);
  for (const rule of arrayOf(logic.rules)) {
    const rows = stringsOf(rule?.rowIds).join(', ');
    const [ruleSetId, version, tableId] = [rule?.ruleSetId, rule?.version, rule?.tableId].map(plainText);
    lines.push(
      de
        ? `Regelwerk „${ruleSetId}“ (Version ${version}), Tabelle „${tableId}“: ${rows ? `zutreffende Zeilen ${rows}` : 'keine Zeile traf zu'}`
        : `Rule set “${ruleSetId}” (version ${version}), table “${tableId}”: ${rows ? `matching rows ${rows}` : 'no row matched'}`,
    );
  }
  for (const model of arrayOf(logic.models)) {
    const top = [...arrayOf(model?.attributions)]
      .filter((a) => typeof a?.contribution === 'number')
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
      .slice(0, 3)
      .map((a) => `${featureWords(plainText(a.feature))} (${signedNumber(a.contribution, locale)})`);
    const score = valueWords(model?.score, locale);
    const [modelId, version, stage] = [model?.modelId, model?.version, model?.stage].map(plainText);
    const head = de
      ? `Modell „${modelId}“ Version ${version} (${stage}) ergab den Score ${score}`
      : `Model “${modelId}” version ${version} (${stage}) gave a score of ${score}`;
    lines.push(top.length > 0 ? `${head}; ${de ? 'am stärksten wirkten' : 'most influential'}: ${top.join(', ')}` : head);
  }
  if (logic.contentVersion !== undefined) lines.push(de ? `Inhaltsversion ${plainText(logic.contentVersion)}` : `Content version ${plainText(logic.contentVersion)}`);
  return lines;
}

function consentLines(record: AuditRecord, locale: ExplanationLocale): string[] {
  if (!record.consent) return [];
  const de = locale === 'de';
  // -1: nothing about consent had been recorded for the customer yet.
  const lines =
    record.consent.asOfOffset === -1
      ? [de ? 'Bis dahin war keine Einwilligung und kein Widerspruch von Ihnen erfasst' : 'No consent or objection of yours had been recorded by then']
      : [de ? `Stand: Position ${plainText(record.consent.asOfOffset)} Ihres Ereignisverlaufs` : `As of position ${plainText(record.consent.asOfOffset)} of your event history`];
  for (const grant of arrayOf(record.consent.grants)) {
    lines.push(`${purposeWords(plainText(grant?.purpose), locale)}${viaChannel(grant?.channel == null ? undefined : plainText(grant.channel), locale)}: ${consentStatusWords(plainText(grant?.status), locale)}`);
  }
  const objections = stringsOf(record.consent.objections);
  if (objections.length > 0) lines.push(`${de ? 'Ihre Widersprüche' : 'Your objections'}: ${objections.map((o) => objectionWords(o, locale)).join(', ')}`);
  return lines;
}

function counterfactualLines(record: AuditRecord, locale: ExplanationLocale): string[] {
  return arrayOf(record.counterfactuals).map((c) => {
    const feature = featureWords(plainText(c?.feature));
    const threshold = valueWords(c?.threshold, locale);
    const actual = valueWords(c?.actual, locale);
    const result = plainText(c?.wouldResultIn);
    return locale === 'de'
      ? `Wäre „${feature}“ ${threshold} statt ${actual} gewesen, wäre das Ergebnis „${result}“ gewesen.`
      : `Had “${feature}” been ${threshold} instead of ${actual}, the result would have been “${result}”.`;
  });
}

function personalDataLines(record: AuditRecord, locale: ExplanationLocale, opened: OpenedPersonalData | undefined): string[] {
  if (record.sealedPersonalData === undefined) return [];
  if (opened === 'erased') {
    return [locale === 'de' ? '[gelöscht – die personenbezogenen Daten dieses Eintrags wurden gelöscht]' : '[erased – the personal data of this record were deleted]'];
  }
  if (opened === undefined) return [locale === 'de' ? '[versiegelt]' : '[sealed]'];
  return Object.entries(opened).map(([key, value]) => `${featureWords(key)}: ${valueWords(value, locale)}`);
}

function recordLines(record: AuditRecord, locale: ExplanationLocale): string[] {
  const de = locale === 'de';
  const actor = record.actor;
  const by = actor?.type === 'principal' ? principalWords(plainText(actor.role), locale) : `${plainText(actor?.component ?? '?')} ${plainText(actor?.version ?? '')}`.trim();
  const at = isoOf(record.occurredAtMs);
  const lines = [de ? `Geschehen am ${at}, aufgezeichnet von ${by}` : `Happened at ${at}, recorded by ${by}`];
  if (record.decisionId !== undefined) lines.push(de ? `Entscheidung ${plainText(record.decisionId)}` : `Decision ${plainText(record.decisionId)}`);
  const [sequence, chain, hash] = [record.sequence, record.chain, record.hash].map(plainText);
  lines.push(de ? `Eintrag ${sequence} der Kette ${chain}, Prüfsumme ${hash}` : `Entry ${sequence} of chain ${chain}, checksum ${hash}`);
  return lines;
}

/** A channel's key is a system asking for a decision, not a person; every other role is held by people. */
function principalWords(role: string, locale: ExplanationLocale): string {
  if (role === 'channel') return locale === 'de' ? 'dem anfragenden Kanal (Rolle channel)' : 'the channel that asked (role channel)';
  return locale === 'de' ? `einer Person mit der Rolle ${role}` : `a person with the role ${role}`;
}

function isoOf(ms: unknown): string {
  const date = new Date(typeof ms === 'number' ? ms : Number.NaN);
  return Number.isNaN(date.getTime()) ? plainText(ms) : date.toISOString();
}

function arrayOf<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

function stringsOf(value: readonly unknown[] | undefined): string[] {
  return arrayOf(value).map(plainText);
}
