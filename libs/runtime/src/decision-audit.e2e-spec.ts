import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditRecordView } from '@kairos/governance';
import { loadConfig } from '@kairos/config';
import { canonicalJson, decodeAuditCursor } from '@kairos/audit';
import { DECISION_CHANNELS, SeededRandom, decisionAuditDraft, replayDecision, type DecisionReplayRecord, type ModelScore } from '@kairos/decisioning';
import { createLogger } from '@kairos/observability';
import { KairosRuntime } from './kairos-runtime';

const DAY = 86_400_000;
const CUSTOMERS = 200;
const DECISIONS = 10_000;

let dataDir: string;
let runtime: KairosRuntime;

/**
 * A1 and A5 on the embedded runtime: decisions through the service the HTTP controller calls (the HTTP layer is
 * covered by decision-api.e2e-spec), audited into the real hash-chained journal, then read back from the audit log.
 * Content is a stand-in source approving every reference (the content module's approval flow is exercised there too).
 */
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kairos-decision-audit-'));
  const config = loadConfig({ KAIROS_DATA_DIR: dataDir, KAIROS_DEMO_POPULATION: 'false', LOG_LEVEL: 'silent' });
  runtime = await KairosRuntime.open(config, createLogger({ level: 'silent' }), undefined, {
    decisioning: {
      content: { approvedVersions: async (refs) => new Map(refs.map((ref) => [ref, `${ref}@1`])) },
      campaigns: { stateOf: () => ({ arms: [{ variantId: 'fee-waiver', alpha: 3, beta: 5 }, { variantId: 'bonus-interest', alpha: 4, beta: 2 }], audience: 10 }), recordExposures: () => undefined },
      triggers: { recentFires: (_p, customerId, atMs) => (Number(customerId.slice(4)) % 4 === 0 ? [{ triggerId: 'churn-risk-high', occasionId: `o-${customerId}`, firedAtMs: atMs - 1_000, validUntilMs: atMs + DAY }] : []) },
      scores: { scoresFor: (customerId, _f, _now, allowed): Record<string, ModelScore> => (allowed('profiling') ? { churn: { score: 0.6 + (customerId.length % 4) / 10, version: '2', stage: 'production' } } : {}) },
    },
  });
  await runtime.startWorker();
  const random = new SeededRandom(42);
  const events: Record<string, unknown>[] = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const customerId = `a1-c${i}`;
    const at = (days: number) => new Date(Date.now() - days * DAY).toISOString();
    const e = (type: string, data: Record<string, unknown>, days: number) => events.push({ id: `a1-${i}-${events.length}`, type, customerId, occurredAt: at(days), source: 'core-banking', data });
    e('customer_registered', { birthDate: `${1950 + (i % 55)}-05-0${1 + (i % 9)}`, country: 'DE', language: 'de', timeZone: 'Europe/Berlin' }, 900);
    e('product_opened', { product: 'checking_account', productId: `ca-${i}` }, 800);
    if (random.next() < 0.5) e('product_opened', { product: 'credit_card', productId: `cc-${i}`, limit: 2000 }, 700);
    if (random.next() < 0.5) e('balance_changed', { productId: `cc-${i}`, product: 'credit_card', balance: -Math.round(random.next() * 3000) }, 1);
    if (random.next() < 0.3) e('card_locked', { cardId: `card-${i}`, reason: 'pin_attempts_exceeded' }, 0.1);
  }
  for (let i = 0; i < events.length; i += 500) await runtime.ingestion.ingest(events.slice(i, i + 500), []);
  for (let i = 0; i < CUSTOMERS; i += 2) {
    const customerId = `a1-c${i}`;
    const purposes = i % 4 === 0 ? (['marketing', 'profiling'] as const) : (['profiling'] as const);
    const changes = purposes.map((purpose) => ({ purpose, status: 'given' as const, method: 'app' as const, capturedAt: new Date().toISOString(), noticeId: 'n-1', noticeVersion: '1', evidenceRef: `ev-${i}-${purpose}` }));
    await runtime.governance.consents.recordChanges(customerId, { batch: true, changes }, { id: 'demo:dpo', role: 'dpo' });
  }
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function allDecisionRecords(): Promise<AuditRecordView[]> {
  const out: AuditRecordView[] = [];
  let cursor: string | undefined;
  do {
    const page = await runtime.audit.service.list({ kind: 'decision_served' }, cursor === undefined ? undefined : (decodeAuditCursor(cursor) ?? undefined), 500);
    out.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

const served = DECISION_CHANNELS.filter((c) => c !== 'letter');
/** Stored records are canonical JSON (sorted keys): compare in that form. */
const json = (value: unknown) => JSON.parse(canonicalJson(JSON.parse(JSON.stringify(value ?? null)))) as unknown;
const same = (a: unknown, b: unknown) => canonicalJson(json(a)) === canonicalJson(json(b));

describe('decision audit (A1, A5)', () => {
  const decisionIds: string[] = [];

  it(`A1: ${DECISIONS} decisions → exactly one decision_served record each; the chains verify`, async () => {
    const random = new SeededRandom(7);
    const caller = { principalId: 'demo:admin', role: 'admin', authorization: '', hops: 0 };
    for (let i = 0; i < DECISIONS; i += 250) {
      const batch = Array.from({ length: Math.min(250, DECISIONS - i) }, () => {
        const channel = served[Math.floor(random.next() * served.length)];
        const customerId = `a1-c${Math.floor(random.next() * CUSTOMERS)}`;
        return runtime.decisioning.service.decideForRequest({ customerId, channel, limit: 1 + Math.floor(random.next() * 5), context: { visit: i % 7 } }, caller);
      });
      for (const answer of await Promise.all(batch)) {
        if (answer.kind !== 'decided') throw new Error('an embedded runtime owns every partition');
        decisionIds.push(answer.response.decisionId);
      }
    }
    const records = await allDecisionRecords();
    const perDecision = new Map<string, number>();
    for (const record of records) perDecision.set(record.decisionId!, (perDecision.get(record.decisionId!) ?? 0) + 1);
    expect(decisionIds.length).toBe(DECISIONS);
    expect(new Set(decisionIds).size).toBe(DECISIONS);
    expect(decisionIds.filter((id) => perDecision.get(id) !== 1)).toEqual([]);
    // Trigger fires decide too (outbound, `trg-` ids): every record of this test's requests is one of the above.
    const requested = new Set(decisionIds);
    expect(records.filter((record) => requested.has(record.decisionId!)).length).toBe(DECISIONS);

    const started = performance.now();
    const verification = await runtime.audit.service.verify();
    const seconds = (performance.now() - started) / 1000;
    expect(verification).toMatchObject({ ok: true });
    const total = verification.recordsVerified;
    process.stdout.write(`A1: ${DECISIONS} tried, ${DECISIONS} held; verification ${total} records in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} records/s\n`);
  }, 120_000);

  it('A5: 1,000 recorded decisions re-evaluated from their recorded inputs give identical results', async () => {
    const records = await allDecisionRecords();
    const catalog = runtime.decisioning.catalog;
    const random = new SeededRandom(11);
    let tried = 0;
    let held = 0;
    let withBandit = 0;
    const picked = new Set<number>();
    while (picked.size < 1_000) picked.add(Math.floor(random.next() * records.length));
    for (const index of picked) {
      const record = records[index];
      // `origin` (who asked: a request or a trigger fire) is the record's, not the pipeline's output.
      const { replay, origin: _origin, ...output } = record.output as { replay: DecisionReplayRecord; origin?: unknown } & Record<string, unknown>;
      tried++;
      const outcome = replayDecision(catalog, replay, record.logic?.models ?? []);
      const draft = decisionAuditDraft(outcome, record.actor);
      if (outcome.bandit.length > 0) withBandit++;
      const identical = same(draft.output, output) && same(draft.reasons, record.reasons) && same(draft.counterfactuals, record.counterfactuals) && same(draft.inputs, record.inputs) && same(draft.logic, record.logic) && same(draft.consent, record.consent);
      if (identical) held++;
      else expect({ output: json(draft.output), reasons: draft.reasons }).toEqual({ output, reasons: record.reasons });
    }
    expect(held).toBe(tried);
    expect(withBandit).toBeGreaterThan(0);
    process.stdout.write(`A5: ${tried} tried, ${held} held (${withBandit} with bandit draws)\n`);
  });
});
