import { KairosError } from '@kairos/contracts';
import type { Action, SubjectName } from '../principal/access-vocabulary';
import { SUBJECT_TYPE, type KairosAbility, type TaggedSubject } from './kairos-ability';

/**
 * Tags an instance with its subject type for instance-level checks, without touching the instance. A plain object
 * (a request's fields, a row read as a literal) is copied with the tag: the same fields, at a fraction of the cost of
 * making the instance a prototype (several µs per request on the decision path). Any other instance (a class with
 * getters) gets a thin object whose prototype is the instance, so conditions read its fields; frozen rows work both ways.
 */
export function subjectOf<T extends object>(type: SubjectName, instance: T): T & TaggedSubject {
  if (Object.getPrototypeOf(instance) === Object.prototype) {
    const copy = Object.assign({}, instance) as T & { [SUBJECT_TYPE]: SubjectName };
    copy[SUBJECT_TYPE] = type;
    return copy;
  }
  const tagged = Object.create(instance) as T & { [SUBJECT_TYPE]: SubjectName };
  Object.defineProperty(tagged, SUBJECT_TYPE, { value: type });
  return tagged;
}

/**
 * The check every data access path makes before it returns or changes a row. With a conditional rule such as
 * "create Decision where channel = mine", the guard's type-only check passes for every channel; only this
 * instance check tells one channel's decision from another's.
 */
export function assertCan(ability: KairosAbility, action: Action, subject: SubjectName | TaggedSubject): void {
  if (ability.can(action, subject)) return;
  const rule = ability.relevantRuleFor(action, subject);
  const type = typeof subject === 'string' ? subject : subject[SUBJECT_TYPE];
  throw new KairosError('FORBIDDEN', rule?.reason ?? `not permitted to ${action} this ${type}`);
}

/** List endpoints: CASL cannot see rows a query returned, so each row is checked and the unpermitted dropped. */
export function filterPermitted<T extends object>(ability: KairosAbility, action: Action, type: SubjectName, rows: readonly T[]): T[] {
  const out: T[] = [];
  for (const row of rows) if (ability.can(action, subjectOf(type, row))) out.push(row);
  return out;
}
