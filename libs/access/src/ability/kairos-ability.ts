import { KairosError } from '@kairos/contracts';
import { createMongoAbility, type MongoAbility, type MongoQuery, type RawRuleOf } from '@casl/ability';
import type { Action, SubjectName } from '../principal/access-vocabulary';

/**
 * The subject type of an instance lives under a module-private symbol, not CASL's `__caslSubjectType__` string key:
 * a request body can carry any string key (`{"__caslSubjectType__": "Health"}`) but never our symbol, so a client
 * cannot choose which rules its own payload is checked against.
 */
export const SUBJECT_TYPE: unique symbol = Symbol('kairos.subjectType');

export interface TaggedSubject {
  readonly [SUBJECT_TYPE]: SubjectName;
}

export type KairosAbility = MongoAbility<[Action, SubjectName | TaggedSubject], MongoQuery>;
export type KairosRawRule = RawRuleOf<KairosAbility>;

function detectSubjectType(instance: object): SubjectName {
  const type = (instance as Partial<TaggedSubject>)[SUBJECT_TYPE];
  // An untagged instance would fall through to `all` rules only; that hides bugs, so it is one.
  if (type === undefined) throw new KairosError('INTERNAL', 'an instance was checked without a subject type: wrap it with subjectOf(type, instance)');
  return type;
}

export function createKairosAbility(rules: KairosRawRule[]): KairosAbility {
  return createMongoAbility<KairosAbility>(rules, {
    anyAction: 'manage',
    anySubjectType: 'all',
    detectSubjectType: detectSubjectType as never,
  });
}
