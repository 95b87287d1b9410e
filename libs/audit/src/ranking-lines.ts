import { offeredAction } from './decision-reasons';
import { type ExplanationLocale, fieldOf, plainText, valueWords } from './explanation-vocabulary';

/**
 * How the offered actions were ranked, every factor shown: priority = propensity × value × context weight × business
 * lever (libs/decisioning, arbitration). Read from the record's output, whose shape the record does not promise, so
 * every field is checked and a missing one is left out rather than guessed.
 */
export function rankingLines(output: unknown, locale: ExplanationLocale): string[] {
  const actions = fieldOf(output, 'actions');
  if (!Array.isArray(actions)) return [];
  return actions.map((action: unknown, i) => {
    const recordedRank = fieldOf(action, 'rank');
    const rank = typeof recordedRank === 'number' ? recordedRank : i + 1;
    const offered = offeredAction(plainText(fieldOf(action, 'actionId')), plainText(fieldOf(action, 'channel') ?? ''), locale);
    const priority = fieldOf(action, 'priority');
    const factors = factorTerms(fieldOf(action, 'factors'), locale);
    const head = `${rank}. ${offered}`;
    if (typeof priority !== 'number') return head;
    const de = locale === 'de';
    const equation = factors.length > 0 ? ` = ${factors.join(' × ')}` : '';
    return `${head}: ${de ? 'Priorität' : 'priority'} ${valueWords(priority, locale)}${equation}`;
  });
}

function factorTerms(factors: unknown, locale: ExplanationLocale): string[] {
  const de = locale === 'de';
  const terms: string[] = [];
  const propensity = fieldOf(factors, 'propensity');
  const propensityValue = fieldOf(propensity, 'value');
  if (typeof propensityValue === 'number') {
    terms.push(`${de ? 'Neigung' : 'propensity'} ${valueWords(propensityValue, locale)} (${propensitySource(propensity, locale)})`);
  }
  const value = fieldOf(factors, 'value');
  if (typeof value === 'number') terms.push(`${de ? 'Wert' : 'value'} ${valueWords(value, locale)}`);
  const context = fieldOf(factors, 'contextWeight');
  const contextValue = fieldOf(context, 'value');
  if (typeof contextValue === 'number') {
    const matched = fieldOf(context, 'matched');
    const why = Array.isArray(matched) && matched.length > 0 ? ` (${matched.map(plainText).join(', ')})` : '';
    terms.push(`${de ? 'Kontextgewicht' : 'context weight'} ${valueWords(contextValue, locale)}${why}`);
  }
  const lever = fieldOf(factors, 'lever');
  const leverValue = fieldOf(lever, 'value');
  if (typeof leverValue === 'number') {
    const override = fieldOf(lever, 'override');
    const set = typeof override === 'number' ? (de ? ` (von der Fachseite auf ${valueWords(override, locale)} gesetzt)` : ` (set to ${valueWords(override, locale)} by the business)`) : '';
    terms.push(`${de ? 'Geschäftshebel' : 'business lever'} ${valueWords(leverValue, locale)}${set}`);
  }
  return terms;
}

function propensitySource(propensity: unknown, locale: ExplanationLocale): string {
  const de = locale === 'de';
  const source = fieldOf(propensity, 'source');
  if (source === 'model') {
    const model = plainText(fieldOf(propensity, 'model'));
    const version = plainText(fieldOf(propensity, 'modelVersion'));
    return de ? `Modell „${model}“ Version ${version}` : `model “${model}” version ${version}`;
  }
  if (source === 'default_profiling_objection') return de ? 'Standardwert, weil Sie dem Profiling widersprochen haben' : 'default, as you objected to profiling';
  return de ? 'Standardwert' : 'default';
}
