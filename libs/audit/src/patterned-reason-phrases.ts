import { type ExplanationLocale, featureWords } from './explanation-vocabulary';

type Words = Readonly<Record<ExplanationLocale, string>>;

/** What happened to a reviewed thing, as a past participle: `ruleset_deployed`, `campaign_approved`, content's `revised`. */
const TRANSITIONS: Readonly<Record<string, Words>> = {
  created: { en: 'created', de: 'angelegt' },
  edited: { en: 'edited', de: 'bearbeitet' },
  drafted: { en: 'drafted', de: 'entworfen' },
  revised: { en: 'revised', de: 'überarbeitet' },
  submitted: { en: 'submitted for review', de: 'zur Prüfung eingereicht' },
  approved: { en: 'approved', de: 'freigegeben' },
  deployed: { en: 'put into operation', de: 'in Betrieb genommen' },
  superseded: { en: 'superseded by a newer version', de: 'durch eine neuere Version abgelöst' },
  retired: { en: 'retired', de: 'außer Betrieb genommen' },
  rolled_back: { en: 'rolled back to its previous version', de: 'auf die vorige Version zurückgesetzt' },
  restored: { en: 'restored', de: 'wiederhergestellt' },
  changes_requested: { en: 'sent back for changes', de: 'zur Überarbeitung zurückgegeben' },
  rejected: { en: 'rejected', de: 'abgelehnt' },
};

const SUBJECTS: Readonly<Record<string, Words>> = {
  ruleset: { en: 'the rule set', de: 'das Regelwerk' },
  trigger_set: { en: 'the trigger set', de: 'der Satz von Auslösern' },
  campaign: { en: 'the campaign', de: 'die Kampagne' },
  content: { en: 'the content', de: 'der Inhalt' },
};

const LIFECYCLE = /^(ruleset|trigger_set|campaign)_([a-z_]+)$/;
/** A score's reason (libs/scoring model-scorer.ts): `<feature>.higher` / `<feature>.lower` than the model's baseline. */
const SCORE_REASON = /^([a-z0-9_]+)\.(higher|lower)$/;

/**
 * Reason codes whose name is built from parts rather than listed: lifecycle steps (`campaign_approved`; content's
 * bare `submitted`) and a score's feature reasons. Undefined for any other name.
 */
export function patternedPhrase(name: string, locale: ExplanationLocale): string | undefined {
  const de = locale === 'de';
  const lifecycle = LIFECYCLE.exec(name);
  const [subject, transition] = lifecycle ? [SUBJECTS[lifecycle[1]!]!, TRANSITIONS[lifecycle[2]!]] : [SUBJECTS['content']!, TRANSITIONS[name]];
  if (transition !== undefined) return de ? `${subject.de} ${transition.de} wurde` : `${subject.en} was ${transition.en}`;
  const score = SCORE_REASON.exec(name);
  if (score === null) return undefined;
  const feature = featureWords(score[1]!);
  const higher = score[2] === 'higher';
  return de ? `Ihr Wert bei „${feature}“ ${higher ? 'höher' : 'niedriger'} als der Vergleichswert des Modells war` : `your “${feature}” was ${higher ? 'higher' : 'lower'} than the model's reference value`;
}
