import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adultCheckingTable } from '@kairos/rules-service';
import { JsonBody, requestJson } from '@kairos/testing';
import { approveCatalogContent } from './testing/catalog-content';
import { useInProcessPlatform } from './testing/in-process-platform';

/**
 * A rule modeler changes who is eligible without a release: the credit-card recommendation's eligibility is a DMN
 * rule set; until one is deployed the action is suppressed, a deployment (four eyes) reaches the running decision
 * core at once, a stricter version takes the offer away, and a rollback brings it back — each decision naming the
 * rule-set version it used.
 */
const DAY = 86_400_000;
const RULE_SET = 'cc-eligibility';
const ACTION = 'credit-card-recommendation';

/** The seed catalog with the recommendation's eligibility delegated to the rule set, in a file of the test's own. */
function catalogWithRule(): string {
  const catalog = JSON.parse(readFileSync('governance/actions.json', 'utf8')) as { actions: { id: string; eligibilityRule?: unknown }[] };
  for (const action of catalog.actions) if (action.id === ACTION) action.eligibilityRule = { ruleSet: RULE_SET, decision: 'Eligible' };
  const file = join(mkdtempSync(join(tmpdir(), 'kairos-rule-catalog-')), 'actions-with-rule.json');
  writeFileSync(file, JSON.stringify(catalog));
  return file;
}

const platform = useInProcessPlatform('rules-decisions', {
  open: { decisioning: { catalogFile: catalogWithRule(), externalFeatures: { featureOf: (_customerId, name) => (name === 'days_past_due' ? 0 : undefined) } } },
});
const call = (apiKey: string, method: string, path: string, body?: unknown) => requestJson(platform.baseUrl(), method, path, { apiKey, ...(body === undefined ? {} : { body }) });

beforeAll(async () => {
  await approveCatalogContent(platform.runtime(), platform.baseUrl());
}, 60_000);

async function deploy(dmnXml: string): Promise<void> {
  expect((await call('demo-rule-modeler', 'POST', '/v1/rule-sets', { id: RULE_SET, dmnXml })).status).toBe(201);
  expect((await call('demo-rule-modeler', 'POST', `/v1/rule-sets/${RULE_SET}/submit`, {})).status).toBe(200);
  expect((await call('demo-admin', 'POST', `/v1/rule-sets/${RULE_SET}/approve`, { reason: 'rows checked' })).status).toBe(200);
  expect((await call('demo-rule-modeler', 'POST', `/v1/rule-sets/${RULE_SET}/deploy`, {})).status).toBe(200);
}

async function recommendation(customerId: string): Promise<{ ranked: JsonBody | undefined; suppressedReasons: string[]; decisionId: string }> {
  const reply = await call('demo-channel', 'POST', '/v1/decisions', { customerId, channel: 'web' });
  expect(reply.status).toBe(200);
  return {
    ranked: reply.body.actions.find((a: JsonBody) => a.actionId === ACTION),
    suppressedReasons: reply.body.suppressed.filter((s: JsonBody) => s.actionId === ACTION).flatMap((s: JsonBody) => s.reasons),
    decisionId: reply.body.decisionId,
  };
}

describe('rule sets in the decision path: hot deploy, stricter version, rollback', () => {
  it('suppresses until deployed, serves after deploy, follows a new version and a rollback, without a restart', async () => {
    const customerId = 'rules-dec-1';
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();
    const events = [
      { id: `${customerId}-reg`, type: 'customer_registered', customerId, occurredAt: at(900), source: 'core-banking', data: { birthDate: '1995-02-02', country: 'DE', language: 'de' } },
      { id: `${customerId}-ca`, type: 'product_opened', customerId, occurredAt: at(800), source: 'core-banking', data: { product: 'checking_account', productId: `ca-${customerId}` } },
    ];
    expect((await call('demo-channel', 'POST', '/v1/events', { events })).status).toBe(202);
    const consent = { purpose: 'marketing', status: 'given', method: 'app', capturedAt: new Date().toISOString(), noticeId: 'n-1', noticeVersion: '1', evidenceRef: 'ev-rules-1' };
    expect([200, 202]).toContain((await call('demo-dpo', 'PUT', `/v1/customers/${customerId}/consents`, consent)).status);

    const before = await recommendation(customerId);
    expect(before.ranked).toBeUndefined();
    expect(before.suppressedReasons).toContain(`ineligible:rule_unavailable:${RULE_SET}`);

    await deploy(adultCheckingTable());
    const eligible = await recommendation(customerId);
    expect(eligible.ranked).toBeDefined();
    const record = await call('demo-dpo', 'GET', `/v1/decisions/${eligible.decisionId}`);
    expect(record.body.record.logic.rules).toEqual(expect.arrayContaining([expect.objectContaining({ ruleSetId: RULE_SET, version: '1', rowIds: ['adult_holder'] })]));

    // A stricter version 2: nobody is eligible.
    await deploy(adultCheckingTable({ rows: [{ id: 'nobody', entries: ['', ''], output: 'false' }] }));
    const stricter = await recommendation(customerId);
    expect(stricter.ranked).toBeUndefined();
    expect(stricter.suppressedReasons).toContain(`ineligible:rule:${RULE_SET}/Eligible`);

    expect((await call('demo-rule-modeler', 'POST', `/v1/rule-sets/${RULE_SET}/rollback`, { reason: 'too strict' })).status).toBe(200);
    const rolledBack = await recommendation(customerId);
    expect(rolledBack.ranked).toBeDefined();
  }, 60_000);
});
