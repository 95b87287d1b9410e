import { atmPinFailedEvent } from '../event-factory';
import type { FuzzTarget } from './invalid-requests';

type TargetShape = Omit<FuzzTarget, 'method' | 'path'>;

const REASON = { body: { reason: 'fuzz' }, required: ['reason'] } as const;
/** Rule-set transitions: every field optional and `version` coerced, so only `reason` is mutated. */
const RULE_SET_TRANSITION = { body: { reason: 'fuzz' } } as const;
const CONSENT_CHANGE = { purpose: 'marketing', status: 'given', method: 'api', capturedAt: '2026-01-01T00:00:00.000Z', noticeId: 'notice-1', noticeVersion: '1.0', evidenceRef: 'evidence-1' };
const BRIEF = { title: 'Karte aktivieren', goal: 'An die erste Nutzung erinnern', product: 'debit_card', audience: 'Neukunden', channels: ['email'], tone: 'friendly', language: 'de' };

/**
 * Plausible bodies of the platform's write endpoints (field names and JSON types; semantic validity is not needed,
 * because the fuzz only derives invalid requests from them). Keyed by `METHOD /nest/path`.
 */
const TARGETS: Readonly<Record<string, TargetShape>> = {
  'POST /v1/events': { body: atmPinFailedEvent('c-fuzz', { id: 'evt-fuzz-1', occurredAt: '2026-01-01T00:00:00.000Z' }), required: ['id', 'type', 'customerId', 'data'] },
  'PUT /v1/customers/:customerId/consents': { body: { changes: [CONSENT_CHANGE] }, required: ['changes'] },
  'POST /v1/customers/:customerId/objections': { body: { scope: 'direct_marketing', requestId: 'request-fuzz' }, required: ['scope'] },
  'POST /v1/customers/:customerId/erasure': { body: { reason: 'objection' } },
  'POST /v1/customers/:customerId/reviews': { body: { decisionId: 'decision-fuzz', statement: 'please review' }, required: ['decisionId'] },
  'PATCH /v1/reviews/:caseId': { body: { status: 'in_review', version: 1 }, required: ['status', 'version'] },
  'POST /v1/content-drafts': { body: { brief: BRIEF, drafter: 'template' }, required: ['brief'] },
  'PATCH /v1/content-drafts/:draftId': { body: { baseRevision: 1, body: [{ channel: 'sms', variantKey: 'A', text: 'Hallo' }] } },
  'POST /v1/content-drafts/:draftId/submit': { body: { revision: 1, reason: 'ready' }, required: ['revision'] },
  'POST /v1/content-drafts/:draftId/approve': { body: { contentHash: `sha256:${'0'.repeat(64)}`, reason: 'ok' }, required: ['contentHash'] },
  'POST /v1/content-drafts/:draftId/request-changes': REASON,
  'POST /v1/content-drafts/:draftId/reject': REASON,
  'POST /v1/content-drafts/:draftId/retire': REASON,
  'PUT /v1/content-refs/:ref': { body: { draftId: 'draft-fuzz', version: 1 }, required: ['draftId'] },
  'POST /v1/decisions': { body: { customerId: 'c-fuzz', channel: 'web' }, required: ['customerId', 'channel'] },
  'POST /v1/outbox/:decisionId/:actionId/ack': { body: null },
  'POST /v1/models': { body: { card: {}, artifact: { format: 'onnx', onnx: 'AAAA' } }, required: ['card', 'artifact'] },
  'POST /v1/models/:modelId/versions/:version/stage': { body: { stage: 'production', reason: 'fuzz' }, required: ['stage', 'reason'] },
  'POST /v1/models/:modelId/rollback': REASON,
  'POST /v1/models/:modelId/batch-score': { body: { threshold: 0.5 } },
  'POST /v1/score': { body: { customerId: 'c-fuzz', models: ['churn'] }, required: ['customerId'] },
  'POST /v1/rule-sets': { body: { id: 'rs-fuzz', name: 'Fuzz', dmnXml: '<definitions/>', testCases: [] }, required: ['id', 'dmnXml'] },
  'PUT /v1/rule-sets/:id': { body: { version: 1, name: 'Fuzz' }, fixed: ['version'], required: ['version'] },
  'POST /v1/rule-sets/:id/submit': RULE_SET_TRANSITION,
  'POST /v1/rule-sets/:id/approve': RULE_SET_TRANSITION,
  'POST /v1/rule-sets/:id/deploy': RULE_SET_TRANSITION,
  'POST /v1/rule-sets/:id/retire': RULE_SET_TRANSITION,
  'POST /v1/rule-sets/:id/rollback': RULE_SET_TRANSITION,
  'POST /v1/rule-sets/:id/simulate': { body: { decision: 'fuzz', source: { kind: 'history' } }, required: ['source'] },
  'POST /v1/campaigns': { body: { campaign: {}, reason: 'fuzz' }, required: ['campaign'] },
  'PUT /v1/campaigns/:campaignId': { body: { campaign: {}, reason: 'fuzz' }, required: ['campaign'] },
  'POST /v1/campaigns/:campaignId/submit': { body: { reason: 'fuzz' } },
  'POST /v1/campaigns/:campaignId/approve': { body: { reason: 'fuzz' } },
  'POST /v1/campaigns/:campaignId/retire': { body: { reason: 'fuzz' } },
  'POST /v1/trigger-sets': { body: { document: { version: 'fuzz', triggers: [] }, reason: 'fuzz' }, required: ['document'] },
  'PUT /v1/trigger-sets/:version': { body: { document: { version: 'fuzz', triggers: [] }, reason: 'fuzz' }, required: ['document'] },
  'POST /v1/trigger-sets/:version/submit': RULE_SET_TRANSITION,
  'POST /v1/trigger-sets/:version/approve': RULE_SET_TRANSITION,
  'POST /v1/trigger-sets/:version/deploy': RULE_SET_TRANSITION,
  'POST /v1/trigger-sets/:version/retire': RULE_SET_TRANSITION,
  'POST /v1/trigger-sets/rollback': RULE_SET_TRANSITION,
};

const PARAMS: Readonly<Record<string, string>> = { customerId: 'c-fuzz', modelId: 'churn', version: '1.0.0', id: 'rs-fuzz' };

/**
 * The fuzz target of a write route. Routes without a declared body get `{}` (a strict schema refuses every member
 * the fuzz adds); `declared` tells the report which is which.
 */
export function fuzzTargetFor(method: string, path: string): FuzzTarget & { readonly declared: boolean } {
  const shape = TARGETS[`${method} ${path}`];
  return { method, path, params: PARAMS, ...(shape ?? { body: {} }), declared: shape !== undefined };
}
