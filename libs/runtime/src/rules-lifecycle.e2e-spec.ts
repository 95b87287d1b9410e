import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@kairos/config';
import { createLogger } from '@kairos/observability';
import { RuleSetRepository } from '@kairos/persistence';
import { DeployedRuleSets, DeploymentPoller } from '@kairos/rules-service';
import { requestJson } from '@kairos/testing';
import { createHttpApp } from './create-http-app';
import { KairosRuntime } from './kairos-runtime';
import { PLATFORM_FEATURES } from './platform-features';
import { RulesWiringModule, rulesOf } from './rules-wiring.module';

const DAY = 86_400_000;
const MODELER = 'demo-rule-modeler';
const APPROVER = 'demo-admin';

/** A Camunda Modeler 5 file as saved: DMN 1.3, camunda extensions, no input data, Java type names, empty cells. */
const camundaXml = (rows: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" xmlns:camunda="http://camunda.org/schema/1.0/dmn" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_1" name="DRD" namespace="http://camunda.org/schema/1.0/dmn" exporter="Camunda Modeler" exporterVersion="5.20.0" modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.20.0">
  <decision id="credit_card_offer" name="Credit card offer">
    <decisionTable id="DecisionTable_offer" hitPolicy="UNIQUE">
      <input id="Input_1" label="Age" camunda:inputVariable="age"><inputExpression id="InputExpression_1" typeRef="integer"><text>age</text></inputExpression></input>
      <input id="Input_2" label="Holds checking" ><inputExpression id="InputExpression_2" typeRef="boolean"><text>holds_checking_account</text></inputExpression></input>
      <output id="Output_1" label="Offer" name="offer" typeRef="boolean" />
${rows}
    </decisionTable>
  </decision>
  <dmndi:DMNDI><dmndi:DMNDiagram id="DMNDiagram_1"><dmndi:DMNShape id="DMNShape_1" dmnElementRef="credit_card_offer"><dc:Bounds height="80" width="180" x="160" y="100" /></dmndi:DMNShape></dmndi:DMNDiagram></dmndi:DMNDI>
</definitions>`;
const rule = (id: string, age: string, holds: string, offer: string) =>
  `      <rule id="${id}"><inputEntry id="${id}_a"><text>${age}</text></inputEntry><inputEntry id="${id}_b"><text>${holds}</text></inputEntry><outputEntry id="${id}_o"><text>${offer}</text></outputEntry></rule>`;
const V1 = camundaXml([rule('adult_holder', '&gt;= 18', 'true', 'true'), rule('adult_without', '&gt;= 18', 'false', 'false'), rule('minor', '&lt; 18', '', 'false')].join('\n'));
const V2 = camundaXml([rule('everyone', '', '', 'true')].join('\n'));
const CASES = [
  { name: 'adult holder', decision: 'Credit card offer', inputs: { age: 30, holds_checking_account: true }, expected: true },
  { name: 'minor', decision: 'Credit card offer', inputs: { age: 16, holds_checking_account: true }, expected: false },
];

describe('rule-set lifecycle over HTTP (RulesWiringModule on the embedded platform)', () => {
  let dataDir: string;
  let runtime: KairosRuntime;
  let app: NestFastifyApplication;
  let baseUrl: string;
  const call = (key: string, method: string, path: string, body?: unknown) => requestJson(baseUrl, method, path, { apiKey: key, body });
  const adult = (ruleSet: string) => rulesOf(runtime).source.evaluate(ruleSet, 'Credit card offer', (name) => ({ age: 40, holds_checking_account: false })[name]);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kairos-rules-e2e-'));
    runtime = await KairosRuntime.open(loadConfig({ KAIROS_DATA_DIR: dataDir, KAIROS_DEMO_POPULATION: 'false', LOG_LEVEL: 'silent' }), createLogger({ level: 'silent' }));
    await runtime.startWorker();
    app = await createHttpApp(runtime, [...PLATFORM_FEATURES, RulesWiringModule]);
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await runtime?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes a Camunda table with test cases, keeps four eyes, deploys it live, rolls back in one call, and audits each step', async () => {
    const created = await call(MODELER, 'POST', '/v1/rule-sets', { id: 'cc-offer', dmnXml: V1, testCases: CASES });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'cc-offer', version: 1, status: 'draft', authorId: 'demo:rule-modeler', inputs: ['age', 'holds_checking_account'] });
    expect((await call(MODELER, 'POST', '/v1/rule-sets/cc-offer/submit', {})).body).toMatchObject({ status: 'review' });

    const ownApproval = await call(MODELER, 'POST', '/v1/rule-sets/cc-offer/approve', {});
    expect(ownApproval.status).toBe(403);
    expect(ownApproval.body.message).toMatch(/four eyes/);
    expect((await call('demo-data-scientist', 'POST', '/v1/rule-sets/cc-offer/approve', {})).status).toBe(403);
    expect((await call(APPROVER, 'POST', '/v1/rule-sets/cc-offer/approve', { reason: 'checked rows' })).body).toMatchObject({ status: 'approved', approvedBy: 'demo:admin' });

    expect(adult('cc-offer')).toBeNull();
    const deployed = await call(MODELER, 'POST', '/v1/rule-sets/cc-offer/deploy', {});
    expect(deployed.body).toMatchObject({ status: 'deployed', deployedVersion: 1, testResults: [{ name: 'adult holder', passed: true }, { name: 'minor', passed: true }] });
    // Live in this process's RuleSource without a restart.
    expect(adult('cc-offer')).toEqual({ value: false, version: '1', tableId: 'DecisionTable_offer', ruleIds: ['adult_without'] });

    // Version 2 ("everyone") through the same gates, then one call rolls back to version 1.
    expect((await call(MODELER, 'POST', '/v1/rule-sets', { id: 'cc-offer', dmnXml: V2 })).body).toMatchObject({ version: 2, status: 'draft' });
    await call(MODELER, 'POST', '/v1/rule-sets/cc-offer/submit', {});
    await call(APPROVER, 'POST', '/v1/rule-sets/cc-offer/approve', {});
    expect((await call(MODELER, 'POST', '/v1/rule-sets/cc-offer/deploy', {})).body).toMatchObject({ version: 2, status: 'deployed' });
    expect(adult('cc-offer')).toMatchObject({ value: true, version: '2' });
    const rolledBack = await call(MODELER, 'POST', '/v1/rule-sets/cc-offer/rollback', { reason: 'too broad' });
    expect(rolledBack.body).toMatchObject({ version: 1, status: 'deployed', deployedVersion: 1 });
    expect(adult('cc-offer')).toMatchObject({ value: false, version: '1' });
    expect((await call(MODELER, 'GET', '/v1/rule-sets/cc-offer?version=2')).body).toMatchObject({ status: 'retired' });

    const exported = await fetch(`${baseUrl}/v1/rule-sets/cc-offer/export`, { headers: { authorization: `Bearer ${MODELER}` } });
    expect(exported.headers.get('content-type')).toMatch(/xml/);
    const xml = await exported.text();
    expect(xml).toContain('https://www.omg.org/spec/DMN/20191111/MODEL/');
    expect(xml).toContain('camunda:inputVariable="age"');

    const audit = await call('demo-dpo', 'GET', '/v1/audit?kind=ruleset_deployed&limit=100');
    const steps = (audit.body.records as { output: { ruleSetId: string; version: number; transition: string } }[]).filter((r) => r.output.ruleSetId === 'cc-offer').map((r) => `${r.output.transition}:${r.output.version}`);
    expect(steps.sort()).toEqual(['approved:1', 'approved:2', 'created:1', 'created:2', 'deployed:1', 'deployed:2', 'rolled_back:1', 'submitted:1', 'submitted:2'].sort());

    // Another process polling the same table picks the deployment up.
    const elsewhere = new DeployedRuleSets();
    await new DeploymentPoller(new RuleSetRepository(runtime.database), elsewhere, 60_000).refresh(true);
    expect(elsewhere.versions().get('cc-offer')).toBe(1);
  });

  it('refuses deploy with 422 naming the failing test case, and submit with 400 naming an unknown input', async () => {
    const wrong = [{ ...CASES[1], name: 'minors get it', expected: true }];
    await call(MODELER, 'POST', '/v1/rule-sets', { id: 'cc-wrong', dmnXml: V1, testCases: wrong });
    await call(MODELER, 'POST', '/v1/rule-sets/cc-wrong/submit', {});
    await call(APPROVER, 'POST', '/v1/rule-sets/cc-wrong/approve', {});
    const refused = await call(MODELER, 'POST', '/v1/rule-sets/cc-wrong/deploy', {});
    expect(refused.status).toBe(422);
    expect(refused.body.issues).toEqual([expect.objectContaining({ path: 'testCases.minors get it', rule: 'test_case_failed' })]);
    expect(rulesOf(runtime).source.get('cc-wrong')).toBeUndefined();

    await call(MODELER, 'POST', '/v1/rule-sets', { id: 'cc-unknown', dmnXml: V1.replace(/holds_checking_account/g, () => 'shoe_size') });
    const unknown = await call(MODELER, 'POST', '/v1/rule-sets/cc-unknown/submit', {});
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([expect.objectContaining({ path: 'inputs.shoe_size', rule: 'unknown_input' })]);
  });

  it('simulates a draft over the stored history of owned partitions: customers hit per day and channel', async () => {
    const day0 = Math.floor(Date.now() / DAY) * DAY - 2 * DAY + 3_600_000;
    const at = (ms: number) => new Date(ms).toISOString();
    const events = [
      { id: 'sim-1', type: 'customer_registered', customerId: 'sim-c1', occurredAt: at(day0), source: 'e2e', data: { birthDate: '1980-01-01', country: 'DE', language: 'de' } },
      { id: 'sim-2', type: 'product_opened', customerId: 'sim-c1', occurredAt: at(day0 + 1_000), source: 'e2e', data: { product: 'checking_account', productId: 'k-1' } },
      { id: 'sim-3', type: 'customer_registered', customerId: 'sim-c2', occurredAt: at(day0 + 2_000), source: 'e2e', data: { birthDate: '1990-05-05', country: 'DE', language: 'de' } },
      { id: 'sim-4', type: 'customer_registered', customerId: 'sim-c3', occurredAt: at(day0 + 3_000), source: 'e2e', data: { birthDate: '2015-01-01', country: 'DE', language: 'de' } },
      { id: 'sim-5', type: 'product_opened', customerId: 'sim-c2', occurredAt: at(day0 + DAY), source: 'e2e', data: { product: 'checking_account', productId: 'k-2' } },
    ];
    expect((await call('demo-channel', 'POST', '/v1/events', { events })).status).toBe(202);
    await call(MODELER, 'POST', '/v1/rule-sets', { id: 'cc-sim', dmnXml: V1 });
    const simulate = () => call(MODELER, 'POST', '/v1/rule-sets/cc-sim/simulate', { source: { kind: 'history' }, channels: ['push', 'email'] });
    let answer = await simulate();
    for (let tries = 0; tries < 50 && answer.body.eventsRead < events.length; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      answer = await simulate();
    }
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ruleSetId: 'cc-sim', version: 1, status: 'draft', source: 'history', eventsRead: 5, customersEvaluated: 3, customersHit: 2, truncated: false });
    expect(answer.body.days.map((d: { customersHit: number; byChannel: object }) => [d.customersHit, d.byChannel])).toEqual([
      [1, { push: 1, email: 1 }],
      [1, { push: 1, email: 1 }],
    ]);
    expect(JSON.stringify(answer.body)).not.toContain('sim-c');

    const population = await call(MODELER, 'POST', '/v1/rule-sets/cc-sim/simulate', { source: { kind: 'population', seed: 7, customers: 30, days: 3 }, limits: { maxCustomers: 30, maxEvents: 50_000, maxDays: 366 } });
    expect(population.status).toBe(200);
    expect(population.body.customersEvaluated).toBeGreaterThan(0);
    expect(population.body.customersHit).toBeLessThanOrEqual(population.body.customersEvaluated);
  });
});
