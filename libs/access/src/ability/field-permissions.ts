import { permittedFieldsOf } from '@casl/ability/extra';
import { KairosError, type ValidationIssue } from '@kairos/contracts';
import type { Action, SubjectName } from '../principal/access-vocabulary';
import { SUBJECT_TYPE, type KairosAbility, type TaggedSubject } from './kairos-ability';

/**
 * The fields of `candidateFields` the ability lets `action` touch on `subject`. A rule without `fields` permits
 * every candidate; inverted field rules take theirs away again (CASL's permittedFieldsOf semantics).
 */
export function permittedFieldsFor(
  ability: KairosAbility,
  action: Action,
  subject: SubjectName | TaggedSubject,
  candidateFields: readonly string[],
): string[] {
  return permittedFieldsOf(ability, action, subject, { fieldsFrom: (rule) => rule.fields ?? [...candidateFields] });
}

/**
 * Refuses a request body that names a field the principal may not set (BOPLA). Pass the stored instance (tagged
 * with subjectOf) for updates, so conditional field rules see the row being changed. 403 names every such field.
 */
export function assertFieldsPermitted(
  ability: KairosAbility,
  action: Action,
  subject: SubjectName | TaggedSubject,
  body: Readonly<Record<string, unknown>>,
): void {
  const fields = Object.keys(body);
  if (fields.length === 0) return;
  const permitted = new Set(permittedFieldsFor(ability, action, subject, fields));
  const issues: ValidationIssue[] = [];
  for (const field of fields) {
    if (!permitted.has(field)) issues.push({ path: field.slice(0, 100), rule: 'field_not_permitted', message: `not permitted to ${action} this field` });
  }
  if (issues.length === 0) return;
  const type = typeof subject === 'string' ? subject : subject[SUBJECT_TYPE];
  throw new KairosError('FORBIDDEN', `not permitted to ${action} field(s) of ${type}: ${issues.map((i) => i.path).join(', ')}`, issues);
}
