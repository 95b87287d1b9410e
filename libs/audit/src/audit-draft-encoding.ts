import { AUDIT_RECORD_KINDS, type AuditRecordDraft, type AuditRecordKind } from './audit-record';
import { canonicalJson, canonicalString } from './canonical-json';

/**
 * A draft's members in canonical JSON, as the journal hashes them: each member's text (undefined when absent), the
 * columns storage keeps, and the personal data's canonical text still to be sealed.
 */
export interface EncodedDraft {
  readonly kind: AuditRecordKind;
  readonly subject: string | undefined;
  readonly decisionId: string | undefined;
  readonly occurredAtMs: number | undefined;
  readonly members: EncodedDraftMembers;
  /** Canonical JSON of the personal data, to be sealed with the subject's key before it is hashed. */
  readonly personalData: string | undefined;
}

/** The drafted members of a record in canonical JSON (placement, record time and sealed data are added later). */
export interface EncodedDraftMembers {
  readonly actor: string;
  readonly consent: string | undefined;
  readonly counterfactuals: string | undefined;
  readonly decisionId: string | undefined;
  readonly inputs: string | undefined;
  readonly kind: string;
  readonly logic: string | undefined;
  readonly output: string | undefined;
  readonly reasons: string | undefined;
  readonly subject: string | undefined;
}

/**
 * Encodes a draft zod already accepted (the general path: any member order, anything zod lets through). A member
 * without one JSON form throws CanonicalJsonError naming it.
 */
export function encodeParsedDraft(draft: AuditRecordDraft): EncodedDraft {
  const optional = (value: unknown, path: string) => (value === undefined ? undefined : canonicalJson(value, path));
  const personalData = optional(draft.personalData, 'personalData');
  return {
    kind: draft.kind,
    subject: draft.subject,
    decisionId: draft.decisionId,
    occurredAtMs: draft.occurredAtMs,
    personalData,
    members: {
      actor: canonicalJson(draft.actor, 'actor'),
      consent: optional(draft.consent, 'consent'),
      counterfactuals: optional(draft.counterfactuals, 'counterfactuals'),
      decisionId: optional(draft.decisionId, 'decisionId'),
      inputs: optional(draft.inputs, 'inputs'),
      kind: canonicalJson(draft.kind, 'kind'),
      logic: optional(draft.logic, 'logic'),
      output: optional(draft.output, 'output'),
      reasons: optional(draft.reasons, 'reasons'),
      subject: optional(draft.subject, 'subject'),
    },
  };
}

/**
 * The hot path of every append: checks a draft against the rules of auditRecordDraftSchema and writes its canonical
 * JSON in the same walk — members emitted in sorted order straight from the known shape, no copy of the draft, no
 * issue bookkeeping. It answers only "valid, and this is exactly what encodeParsedDraft(parseAuditDraft(draft))
 * gives"; for anything else (an invalid draft, a string that may be too long only in UTF-16 units, a class instance,
 * free-form data without a canonical form) it returns null and zod decides, so every refusal is zod's own. A seeded
 * property test holds the two paths equal; change both together with the schema.
 */
export function encodeDraftFast(raw: unknown): EncodedDraft | null {
  if (!isPlainObject(raw)) return null;
  const draft = raw as Record<string, unknown>;
  for (const key in draft) if (!DRAFT_KEYS.has(key)) return null;
  const { kind, subject, decisionId, occurredAtMs } = draft;
  if (typeof kind !== 'string' || !KINDS.has(kind)) return null;
  if (subject !== undefined && !isText(subject, 128)) return null;
  if (decisionId !== undefined && !isText(decisionId, 128)) return null;
  if (occurredAtMs !== undefined && !(Number.isSafeInteger(occurredAtMs) && (occurredAtMs as number) >= 0 && (occurredAtMs as number) <= MAX_TIME_MS)) return null;
  const actor = actorJson(draft.actor);
  const consent = draft.consent === undefined ? undefined : consentJson(draft.consent);
  const counterfactuals = draft.counterfactuals === undefined ? undefined : counterfactualsJson(draft.counterfactuals);
  const inputs = draft.inputs === undefined ? undefined : inputsJson(draft.inputs);
  const logic = draft.logic === undefined ? undefined : logicJson(draft.logic);
  const reasons = draft.reasons === undefined ? undefined : reasonsJson(draft.reasons);
  if (actor === null || consent === null || counterfactuals === null || inputs === null || logic === null || reasons === null) return null;
  const { output, personalData } = draft;
  if (personalData !== undefined && subject === undefined) return null;
  if ((output !== undefined && !isJsonObject(output)) || (personalData !== undefined && !isJsonObject(personalData))) return null;
  let outputJson: string | undefined;
  let personalDataJson: string | undefined;
  try {
    outputJson = output === undefined ? undefined : canonicalJson(output, 'output');
    personalDataJson = personalData === undefined ? undefined : canonicalJson(personalData, 'personalData');
  } catch {
    return null; // the general path throws the refusal naming the place
  }
  return {
    kind: kind as AuditRecordKind,
    subject: subject as string | undefined,
    decisionId: decisionId as string | undefined,
    occurredAtMs: occurredAtMs as number | undefined,
    personalData: personalDataJson,
    members: {
      actor,
      consent,
      counterfactuals,
      decisionId: decisionId === undefined ? undefined : canonicalString(decisionId as string),
      inputs,
      kind: canonicalString(kind),
      logic,
      output: outputJson,
      reasons,
      subject: subject === undefined ? undefined : canonicalString(subject as string),
    },
  };
}

const KINDS: ReadonlySet<string> = new Set(AUDIT_RECORD_KINDS);
const DRAFT_KEYS: ReadonlySet<string> = new Set([
  'kind',
  'actor',
  'subject',
  'decisionId',
  'inputs',
  'logic',
  'consent',
  'output',
  'reasons',
  'counterfactuals',
  'personalData',
  'occurredAtMs',
]);
const MAX_TIME_MS = 8_640_000_000_000_000;
/** Lengths of the schema's `identifier` and `label`. */
const IDENTIFIER = 128;
const LABEL = 200;

/**
 * A string of 1..max UTF-16 units. zod counts code points: within this range they agree on acceptance, and a string
 * longer in units (possibly shorter in code points) is left to zod.
 */
function isText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= max;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * zod's `z.record(z.string().max(200), …)`: symbol keys are refused there; `__proto__` is dropped from its copy (the
 * canonical form of the original would keep it) — both are left to the general path.
 */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length > 0) return false;
  for (const key of Object.keys(value)) if (key.length > LABEL || key === '__proto__') return false;
  return true;
}

function hasOnlyKeys(object: Record<string, unknown>, a: string, b: string, c?: string, d?: string, e?: string): boolean {
  for (const key in object) if (key !== a && key !== b && key !== c && key !== d && key !== e) return false;
  return true;
}

/** A member of type `number | string(max 2000) | boolean | null`, in canonical form. */
function scalarJson(value: unknown): string | null {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? '' + value : null;
    case 'string':
      return value.length <= 2_000 ? canonicalString(value) : null;
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return value === null ? 'null' : null;
  }
}

function numberJson(value: unknown): string | null {
  return typeof value === 'number' && Number.isFinite(value) ? '' + value : null;
}

function actorJson(value: unknown): string | null {
  if (!isPlainObject(value)) return null;
  if (value.type === 'component') {
    const { component, version } = value;
    if (!hasOnlyKeys(value, 'type', 'component', 'version') || !isText(component, LABEL) || !isText(version, LABEL)) return null;
    return '{"component":' + canonicalString(component) + ',"type":"component","version":' + canonicalString(version) + '}';
  }
  if (value.type === 'principal') {
    const { principalId, role } = value;
    if (!hasOnlyKeys(value, 'type', 'principalId', 'role') || !isText(principalId, IDENTIFIER) || !isText(role, LABEL)) return null;
    return '{"principalId":' + canonicalString(principalId) + ',"role":' + canonicalString(role) + ',"type":"principal"}';
  }
  return null;
}

/** `[item, …]` of an array of at most `max` items, each written by `item` (null refuses the whole array). */
function arrayJson(value: unknown, max: number, item: (value: unknown) => string | null): string | null {
  if (!Array.isArray(value) || value.length > max) return null;
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    const json = item(value[i]);
    if (json === null) return null;
    out += i === 0 ? json : ',' + json;
  }
  return out + ']';
}

function inputsJson(value: unknown): string | null {
  return arrayJson(value, 2_000, (input) => {
    if (!isPlainObject(input) || !hasOnlyKeys(input, 'feature', 'value')) return null;
    const { feature } = input;
    const scalar = scalarJson(input.value);
    if (!isText(feature, LABEL) || scalar === null) return null;
    return '{"feature":' + canonicalString(feature) + ',"value":' + scalar + '}';
  });
}

function counterfactualsJson(value: unknown): string | null {
  return arrayJson(value, 50, (counterfactual) => {
    if (!isPlainObject(counterfactual) || !hasOnlyKeys(counterfactual, 'feature', 'actual', 'threshold', 'wouldResultIn')) return null;
    const { feature, wouldResultIn } = counterfactual;
    const actual = scalarJson(counterfactual.actual);
    const threshold = scalarJson(counterfactual.threshold);
    if (actual === null || !isText(feature, LABEL) || threshold === null || !isText(wouldResultIn, LABEL)) return null;
    return '{"actual":' + actual + ',"feature":' + canonicalString(feature) + ',"threshold":' + threshold + ',"wouldResultIn":' + canonicalString(wouldResultIn) + '}';
  });
}

function reasonsJson(value: unknown): string | null {
  return arrayJson(value, 200, (reason) => (isText(reason, 500) ? canonicalString(reason) : null));
}

const labelJson = (value: unknown): string | null => (isText(value, LABEL) ? canonicalString(value) : null);
const identifierJson = (value: unknown): string | null => (isText(value, IDENTIFIER) ? canonicalString(value) : null);

function consentJson(value: unknown): string | null {
  if (!isPlainObject(value) || !hasOnlyKeys(value, 'asOfOffset', 'grants', 'objections')) return null;
  const { asOfOffset } = value;
  if (!Number.isSafeInteger(asOfOffset) || (asOfOffset as number) < -1) return null;
  const grants = arrayJson(value.grants, 200, (grant) => {
    if (!isPlainObject(grant) || !hasOnlyKeys(grant, 'purpose', 'channel', 'status')) return null;
    const { channel, purpose, status } = grant;
    if ((channel !== null && !isText(channel, LABEL)) || !isText(purpose, LABEL) || !isText(status, LABEL)) return null;
    return '{"channel":' + (channel === null ? 'null' : canonicalString(channel)) + ',"purpose":' + canonicalString(purpose) + ',"status":' + canonicalString(status) + '}';
  });
  const objections = arrayJson(value.objections, 50, labelJson);
  if (grants === null || objections === null) return null;
  return '{"asOfOffset":' + asOfOffset + ',"grants":' + grants + ',"objections":' + objections + '}';
}

function logicJson(value: unknown): string | null {
  if (!isPlainObject(value)) return null;
  for (const key in value) if (!LOGIC_KEYS.has(key)) return null;
  const { contentVersion, triggerId } = value;
  if ((contentVersion !== undefined && !isText(contentVersion, LABEL)) || (triggerId !== undefined && !isText(triggerId, IDENTIFIER))) return null;
  const models = value.models === undefined ? undefined : arrayJson(value.models, 50, modelJson);
  const rules = value.rules === undefined ? undefined : arrayJson(value.rules, 100, ruleJson);
  const seeds = value.seeds === undefined ? undefined : seedsJson(value.seeds);
  if (models === null || rules === null || seeds === null) return null;
  let out = '{';
  const member = (name: string, json: string | undefined) => {
    if (json !== undefined) out += (out.length === 1 ? '"' : ',"') + name + '":' + json;
  };
  member('contentVersion', contentVersion === undefined ? undefined : canonicalString(contentVersion));
  member('models', models);
  member('rules', rules);
  member('seeds', seeds);
  member('triggerId', triggerId === undefined ? undefined : canonicalString(triggerId));
  return out + '}';
}

const LOGIC_KEYS: ReadonlySet<string> = new Set(['rules', 'models', 'triggerId', 'contentVersion', 'seeds']);

function ruleJson(rule: unknown): string | null {
  if (!isPlainObject(rule) || !hasOnlyKeys(rule, 'ruleSetId', 'version', 'tableId', 'rowIds')) return null;
  const { ruleSetId, tableId, version } = rule;
  const rowIds = arrayJson(rule.rowIds, 1_000, identifierJson);
  if (rowIds === null || !isText(ruleSetId, IDENTIFIER) || !isText(tableId, IDENTIFIER) || !isText(version, LABEL)) return null;
  return '{"rowIds":' + rowIds + ',"ruleSetId":' + canonicalString(ruleSetId) + ',"tableId":' + canonicalString(tableId) + ',"version":' + canonicalString(version) + '}';
}

function modelJson(model: unknown): string | null {
  if (!isPlainObject(model) || !hasOnlyKeys(model, 'modelId', 'version', 'stage', 'score', 'attributions')) return null;
  const { modelId, stage, version } = model;
  const score = numberJson(model.score);
  const attributions = arrayJson(model.attributions, 1_000, (attribution) => {
    if (!isPlainObject(attribution) || !hasOnlyKeys(attribution, 'feature', 'contribution')) return null;
    const contribution = numberJson(attribution.contribution);
    const { feature } = attribution;
    if (contribution === null || !isText(feature, LABEL)) return null;
    return '{"contribution":' + contribution + ',"feature":' + canonicalString(feature) + '}';
  });
  if (attributions === null || !isText(modelId, IDENTIFIER) || score === null || !isText(stage, LABEL) || !isText(version, LABEL)) return null;
  return '{"attributions":' + attributions + ',"modelId":' + canonicalString(modelId) + ',"score":' + score + ',"stage":' + canonicalString(stage) + ',"version":' + canonicalString(version) + '}';
}

/** `z.record(label, z.number())`; the keys are the caller's, so they are sorted as canonicalJson sorts them. */
function seedsJson(value: unknown): string | null {
  if (!isPlainObject(value) || Object.getOwnPropertySymbols(value).length > 0) return null;
  for (const key of Object.keys(value)) if (!isText(key, LABEL) || key === '__proto__' || numberJson(value[key]) === null) return null;
  return canonicalJson(value, 'logic.seeds');
}
