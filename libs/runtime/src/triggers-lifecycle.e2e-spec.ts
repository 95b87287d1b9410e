import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type KairosConfig } from '@kairos/config';
import { createLogger } from '@kairos/observability';
import { atmPinFailedEvent, requestJson } from '@kairos/testing';
import { SEED_TRIGGER_DOCUMENT } from '@kairos/triggers';
import { createHttpApp } from './create-http-app';
import { KairosRuntime } from './kairos-runtime';
import { PLATFORM_FEATURES } from './platform-features';

const MODELER = 'demo-rule-modeler';
const APPROVER = 'demo-admin';
const seed = SEED_TRIGGER_DOCUMENT as { version: string; triggers: Record<string, unknown>[] };

/** The seed triggers plus one a modeler adds: two failed PINs within ten minutes. */
const withTwoPins = (version: string) => ({
  version,
  triggers: [
    ...seed.triggers,
    { id: 'two-pin-failures', description: 'Two failed PIN entries within ten minutes', kind: 'count', event: { type: 'atm_pin_failed' }, atLeast: 2, within: '10m', cooldown: '0s' },
  ],
});

describe('trigger-set lifecycle over HTTP (TriggersWiringModule on the embedded platform)', () => {
  let dataDir: string;
  let config: KairosConfig;
  let runtime: KairosRuntime;
  let app: NestFastifyApplication;
  let baseUrl: string;
  /** An event that fired the authored trigger before the restart: its trace must survive it. */
  let firedBeforeRestart = '';
  const call = (key: string, method: string, path: string, body?: unknown) => requestJson(baseUrl, method, path, { apiKey: key, ...(body === undefined ? {} : { body }) });

  async function start(): Promise<void> {
    runtime = await KairosRuntime.open(config, createLogger({ level: 'silent' }));
    await runtime.startWorker();
    app = await createHttpApp(runtime, PLATFORM_FEATURES);
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  }

  async function stop(): Promise<void> {
    await app?.close();
    await runtime?.close();
  }

  /** The trigger stages of an event, once the worker applied it and `ready` holds. */
  async function stagesOf(eventId: string, ready: (stages: { stage: string; detail: Record<string, unknown> }[]) => boolean) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const trace = await call(APPROVER, 'GET', `/v1/events/${eventId}/trace`);
      const stages = trace.status === 200 ? (trace.body.stages as { stage: string; detail: Record<string, unknown> }[]) : [];
      if (ready(stages)) return stages;
      if (Date.now() > deadline) throw new Error(`trace of ${eventId} not ready: ${JSON.stringify(stages)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function twoPinFailures(customerId: string): Promise<string> {
    const events = [atmPinFailedEvent(customerId), atmPinFailedEvent(customerId)];
    expect((await call('demo-channel', 'POST', '/v1/events', { events })).status).toBe(202);
    return events[1].id as string;
  }

  const evaluatedBy = (stages: { stage: string; detail: Record<string, unknown> }[]) => String(stages.find((s) => s.stage === 'triggers_evaluated')?.detail.triggers ?? '');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kairos-trigger-sets-e2e-'));
    config = loadConfig({ KAIROS_DATA_DIR: dataDir, KAIROS_DEMO_POPULATION: 'false', LOG_LEVEL: 'silent' });
    await start();
  });

  afterAll(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses channels and a bad document with 400 naming the field and rule', async () => {
    expect((await call('demo-channel', 'GET', '/v1/trigger-sets')).status).toBe(403);
    expect((await call('demo-channel', 'POST', '/v1/trigger-sets', { document: withTwoPins('x') })).status).toBe(403);
    expect((await call(MODELER, 'GET', '/v1/trigger-sets/deployed')).body).toMatchObject({ source: 'seed', version: null, documentVersion: seed.version });

    const unknownFeature = withTwoPins('bad-1');
    unknownFeature.triggers[5] = { ...unknownFeature.triggers[5], condition: 'shoe_size > 3' };
    const refused = await call(MODELER, 'POST', '/v1/trigger-sets', { document: unknownFeature });
    expect(refused.status).toBe(400);
    expect(refused.body.issues).toEqual([expect.objectContaining({ path: 'document.triggers[5].condition', rule: 'unknown_feature' })]);

    const badType = withTwoPins('bad-2');
    badType.triggers[5] = { ...badType.triggers[5], event: { type: 'atm_pin_forgotten' } };
    expect((await call(MODELER, 'POST', '/v1/trigger-sets', { document: badType })).body.issues[0].path).toMatch(/^document\.triggers\[5\]\.event\.type/);

    const unknownAction = withTwoPins('bad-3');
    unknownAction.triggers[5] = { ...unknownAction.triggers[5], proposes: ['free-lunch'] };
    expect((await call(MODELER, 'POST', '/v1/trigger-sets', { document: unknownAction })).body.issues).toEqual([expect.objectContaining({ path: 'document.triggers[5].proposes[0]', rule: 'unknown_action' })]);

    // The action catalog weighs card-unlock by card-lock-after-pin-failures: that trigger may not go.
    const dropped = { version: 'bad-4', triggers: seed.triggers.filter((t) => t.id !== 'card-lock-after-pin-failures') };
    const missing = await call(MODELER, 'POST', '/v1/trigger-sets', { document: dropped });
    expect(missing.status).toBe(400);
    expect(missing.body.issues).toContainEqual(expect.objectContaining({ path: 'document.triggers', rule: 'referenced_trigger', message: expect.stringContaining('card-lock-after-pin-failures') }));
    expect((await call(MODELER, 'POST', '/v1/trigger-sets/1/submit', {})).status).toBe(404);
    expect((await call(MODELER, 'GET', '/v1/trigger-sets')).body.items).toEqual([]);
  });

  it('keeps four eyes, deploys with no restart (the next event fires the new trigger), rolls back in one call, and audits each step', async () => {
    const created = await call(MODELER, 'POST', '/v1/trigger-sets', { document: withTwoPins('2026.11.2'), reason: 'two failures are enough' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, status: 'draft', authorId: 'demo:rule-modeler' });
    expect((await call(MODELER, 'POST', '/v1/trigger-sets', { document: withTwoPins('2026.11.3') })).status).toBe(409);
    expect((await call(MODELER, 'POST', '/v1/trigger-sets/1/submit', {})).body).toMatchObject({ status: 'review', submittedBy: 'demo:rule-modeler' });

    const own = await call(MODELER, 'POST', '/v1/trigger-sets/1/approve', {});
    expect(own.status).toBe(403);
    expect(own.body.message).toMatch(/four eyes/);
    expect((await call('demo-data-scientist', 'POST', '/v1/trigger-sets/1/approve', {})).status).toBe(403);
    expect((await call(MODELER, 'POST', '/v1/trigger-sets/1/deploy', {})).status).toBe(409);
    expect((await call(APPROVER, 'POST', '/v1/trigger-sets/1/approve', { reason: 'reviewed' })).body).toMatchObject({ status: 'approved', approvedBy: 'demo:admin' });

    const before = await twoPinFailures('tl-before');
    expect(evaluatedBy(await stagesOf(before, (stages) => evaluatedBy(stages) !== ''))).not.toContain('two-pin-failures');

    expect((await call(MODELER, 'POST', '/v1/trigger-sets/1/deploy', {})).body).toMatchObject({ version: 1, status: 'deployed', deployedBy: 'demo:rule-modeler' });
    expect((await call(MODELER, 'GET', '/v1/trigger-sets/deployed')).body).toMatchObject({ source: 'stored', version: 1, documentVersion: '2026.11.2', triggers: expect.arrayContaining(['two-pin-failures']) });
    const after = await twoPinFailures('tl-after');
    firedBeforeRestart = after;
    const fired = await stagesOf(after, (stages) => stages.some((s) => s.stage === 'trigger_fired'));
    expect(fired).toContainEqual(expect.objectContaining({ stage: 'trigger_fired', detail: expect.objectContaining({ triggerId: 'two-pin-failures' }) }));

    const rolledBack = await call(MODELER, 'POST', '/v1/trigger-sets/rollback', { reason: 'too noisy' });
    expect(rolledBack.body).toMatchObject({ source: 'seed', version: null, documentVersion: seed.version });
    expect((await call(MODELER, 'GET', '/v1/trigger-sets/1')).body).toMatchObject({ status: 'retired' });
    const rolled = await twoPinFailures('tl-rolled');
    const stages = await stagesOf(rolled, (s) => evaluatedBy(s) !== '');
    expect(evaluatedBy(stages)).not.toContain('two-pin-failures');
    expect(stages.filter((s) => s.stage === 'trigger_fired')).toEqual([]);
    expect((await call(MODELER, 'POST', '/v1/trigger-sets/rollback', {})).status).toBe(409);

    const audit = await call('demo-dpo', 'GET', '/v1/audit?kind=trigger_set_changed&limit=100');
    const steps = (audit.body.records as { output: { version: number; transition: string } }[]).map((r) => `${r.output.transition}:${r.output.version}`);
    expect(steps.sort()).toEqual(['approved:1', 'created:1', 'deployed:1', 'rolled_back:1', 'submitted:1']);
  });

  it('rolls back to the version deployed before, and boots with the deployed version and the stored trace', async () => {
    for (const [version, label] of [
      [2, '2026.11.4'],
      [3, '2026.11.5'],
    ] as const) {
      expect((await call(MODELER, 'POST', '/v1/trigger-sets', { document: withTwoPins(label) })).body).toMatchObject({ version });
      await call(MODELER, 'POST', `/v1/trigger-sets/${version}/submit`, {});
      await call(APPROVER, 'POST', `/v1/trigger-sets/${version}/approve`, {});
      expect((await call(MODELER, 'POST', `/v1/trigger-sets/${version}/deploy`, {})).body).toMatchObject({ status: 'deployed' });
    }
    expect((await call(MODELER, 'POST', '/v1/trigger-sets/rollback', {})).body).toMatchObject({ source: 'stored', version: 2, documentVersion: '2026.11.4' });
    expect((await call(MODELER, 'GET', '/v1/trigger-sets')).body.items.map((v: { version: number; status: string }) => `${v.version}:${v.status}`)).toEqual(['3:retired', '2:deployed', '1:retired']);

    await stop();
    await start();
    expect(runtime.modules.triggers.triggerSet.version).toBe('2026.11.4');
    expect((await call(MODELER, 'GET', '/v1/trigger-sets/deployed')).body).toMatchObject({ source: 'stored', version: 2 });
    // The trace of an event from before the restart comes back from the database.
    const kept = await stagesOf(firedBeforeRestart, (stages) => stages.some((s) => s.stage === 'trigger_fired'));
    expect(kept.map((s) => s.stage)).toEqual(expect.arrayContaining(['applied', 'triggers_evaluated', 'trigger_fired']));
    const fired = await stagesOf(await twoPinFailures('tl-rebooted'), (stages) => stages.some((s) => s.stage === 'trigger_fired'));
    expect(fired).toContainEqual(expect.objectContaining({ detail: expect.objectContaining({ triggerId: 'two-pin-failures' }) }));
  });
});
