import { arg, both, type Phrase, rest } from './phrase-kit';

type Words = Readonly<Record<'en' | 'de', string>>;

/** Why an access was refused (libs/access DenialReason), as the access_denied record names it. */
const DENIALS: Readonly<Record<string, Words>> = {
  'missing-credentials': { en: 'no credentials were sent', de: 'keine Anmeldedaten mitgeschickt wurden' },
  'malformed-credentials': { en: 'the credentials were malformed', de: 'die Anmeldedaten fehlerhaft aufgebaut waren' },
  'invalid-credentials': { en: 'the credentials were not valid', de: 'die Anmeldedaten ungültig waren' },
  'no-permission-declared': { en: 'no permission is declared for this access', de: 'für diesen Zugriff keine Berechtigung festgelegt ist' },
  'not-permitted': { en: 'the role does not permit this access', de: 'die Rolle diesen Zugriff nicht erlaubt' },
  'unsupported-context': { en: 'this access is not supported in this context', de: 'dieser Zugriff in diesem Zusammenhang nicht unterstützt wird' },
};

/** The grounds of Art. 17(1) GDPR an erasure can name (libs/governance ERASURE_GROUNDS). */
const ERASURE_GROUNDS: Readonly<Record<string, Words>> = {
  no_longer_necessary: { en: 'the data were no longer necessary (Art. 17(1)(a) GDPR)', de: 'die Daten nicht mehr notwendig waren (Art. 17 Abs. 1 lit. a DSGVO)' },
  consent_withdrawn: { en: 'you withdrew your consent (Art. 17(1)(b) GDPR)', de: 'Sie Ihre Einwilligung widerrufen haben (Art. 17 Abs. 1 lit. b DSGVO)' },
  objection: { en: 'you objected to the processing (Art. 17(1)(c) GDPR)', de: 'Sie der Verarbeitung widersprochen haben (Art. 17 Abs. 1 lit. c DSGVO)' },
  unlawful_processing: { en: 'the data had been processed unlawfully (Art. 17(1)(d) GDPR)', de: 'die Daten unrechtmäßig verarbeitet wurden (Art. 17 Abs. 1 lit. d DSGVO)' },
  legal_obligation: { en: 'a legal obligation required the erasure (Art. 17(1)(e) GDPR)', de: 'eine rechtliche Pflicht die Löschung verlangte (Art. 17 Abs. 1 lit. e DSGVO)' },
  child_information_society: {
    en: 'the data were collected from a child for an online service (Art. 17(1)(f) GDPR)',
    de: 'die Daten bei einem Kind für einen Online-Dienst erhoben wurden (Art. 17 Abs. 1 lit. f DSGVO)',
  },
};

const lookup = (table: Readonly<Record<string, Words>>, locale: 'en' | 'de', code: string, otherwise: Words): string => (table[code] ?? otherwise)[locale];

/**
 * Reasons of the platform's own operations rather than of a decision: access control, content review, model stages,
 * retention and erasure. Codes as their writers emit them (access-denial-audit.ts, content-audit.ts,
 * content-ref-directory.ts, model-registry.service.ts, retention.job.ts, customer-erasure.service.ts).
 */
export const OPERATION_PHRASES: Readonly<Record<string, Phrase>> = {
  access_denied: (a, l) => lookup(DENIALS, l, arg(a, 0), { en: `the access was refused (${arg(a, 0)})`, de: `der Zugriff verweigert wurde (${arg(a, 0)})` }),
  four_eyes_checked: both(
    () => 'a second person checked and approved it (four-eyes principle)',
    () => 'eine zweite Person es geprüft und freigegeben hat (Vier-Augen-Prinzip)',
  ),
  no_blocking_findings: both(
    () => 'the automatic checks found nothing that blocks it',
    () => 'die automatischen Prüfungen nichts Blockierendes gefunden haben',
  ),
  content_ref_bound: both(
    () => 'the approved content was bound to its content reference',
    () => 'der freigegebene Inhalt seiner Inhaltsreferenz zugeordnet wurde',
  ),
  approved_unexpired_revision: both(
    () => 'the bound revision was approved and had not expired',
    () => 'die zugeordnete Fassung freigegeben und nicht abgelaufen war',
  ),
  stage: both(
    (a) => `the model moved from stage “${stageFrom(a)}” to “${stageTo(a)}”`,
    (a) => `das Modell von der Stufe „${stageFrom(a)}“ in die Stufe „${stageTo(a)}“ wechselte`,
  ),
  reason: both(
    (a) => `the person responsible explained it with “${rest(a, 0)}”`,
    (a) => `die verantwortliche Person als Grund „${rest(a, 0)}“ angab`,
  ),
  missing_feature: both(
    (a) => `data it needs were missing (“${rest(a, 0)}”)`,
    (a) => `dafür nötige Angaben fehlten („${rest(a, 0)}“)`,
  ),
  failed: both(
    (a) => `deleting the data of the category “${arg(a, 0)}” failed and is retried`,
    (a) => `das Löschen der Daten der Kategorie „${arg(a, 0)}“ fehlschlug und wiederholt wird`,
  ),
  not_enforced: both(
    (a) => `the retention period of the category “${arg(a, 0)}” is not enforced yet`,
    (a) => `die Aufbewahrungsfrist der Kategorie „${arg(a, 0)}“ noch nicht durchgesetzt wird`,
  ),
  erasure_ground: (a, l) => lookup(ERASURE_GROUNDS, l, arg(a, 0), { en: `the ground “${arg(a, 0)}” was given`, de: `der Grund „${arg(a, 0)}“ angegeben wurde` }),
};

/** `stage:staging->production`. */
const stageFrom = (args: readonly string[]) => arg(rest(args, 0).split('->'), 0);
const stageTo = (args: readonly string[]) => arg(rest(args, 0).split('->'), 1);
