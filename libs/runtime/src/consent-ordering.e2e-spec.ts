import { JsonBody, requestJson } from '@kairos/testing';
import { approveCatalogContent } from './testing/catalog-content';
import { useInProcessPlatform } from './testing/in-process-platform';

/**
 * D8 (consent ordering): a marketing consent withdrawal, immediately followed by an event that fires a trigger for
 * the same customer. Consent changes are events on the customer's partition, so the trigger's outbound decision and
 * every later inbound decision see the withdrawal: no marketing action may be emitted or answered after it. A
 * control group that keeps its consent must get marketing actions, so the check can fail.
 */
const WITHDRAWING = 1_000;
const CONTROL = 50;
const DAY = 86_400_000;
const MARKETING_ACTIONS = new Set(['credit-card-usage-nudge', 'credit-card-recommendation', 'installment-loan-offer', 'debit-card-offer', 'credit-limit-increase', 'retention-offer']);
const OUTBOUND = ['email', 'push', 'callback', 'sms'];

const platform = useInProcessPlatform('consent-ordering');
const call = (method: string, path: string, apiKey: string, body?: unknown) => requestJson(platform.baseUrl(), method, path, { apiKey, ...(body === undefined ? {} : { body }) });

beforeAll(async () => {
  await approveCatalogContent(platform.runtime(), platform.baseUrl());
}, 60_000);

const customerIds = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

async function loadCreditCardHolders(ids: readonly string[]): Promise<void> {
  const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();
  const events = ids.flatMap((c) => [
    { id: `${c}-reg`, type: 'customer_registered', customerId: c, occurredAt: at(900), source: 'core-banking', data: { birthDate: '1980-05-05', country: 'DE', language: 'de', timeZone: 'UTC' } },
    { id: `${c}-ca`, type: 'product_opened', customerId: c, occurredAt: at(800), source: 'core-banking', data: { product: 'checking_account', productId: `ca-${c}` } },
    { id: `${c}-cc`, type: 'product_opened', customerId: c, occurredAt: at(400), source: 'core-banking', data: { product: 'credit_card', productId: `cc-${c}`, limit: 2000 } },
  ]);
  for (let i = 0; i < events.length; i += 900) expect((await call('POST', '/v1/events', 'demo-channel', { events: events.slice(i, i + 900) })).status).toBe(202);
}

async function setMarketing(customerId: string, status: 'given' | 'withdrawn'): Promise<number> {
  const change = { purpose: 'marketing', status, method: 'app', capturedAt: new Date().toISOString(), noticeId: 'notice-1', noticeVersion: '1', evidenceRef: `ev-${customerId}-${status}` };
  const reply = await call('PUT', `/v1/customers/${customerId}/consents`, 'demo-dpo', change);
  expect([200, 202]).toContain(reply.status);
  return reply.status;
}

/** The event that fires `credit-card-over-limit`, whose proposals are all marketing offers. */
async function overdraw(customerId: string): Promise<void> {
  const event = { id: `${customerId}-over`, type: 'balance_changed', customerId, occurredAt: new Date().toISOString(), source: 'core-banking', data: { productId: `cc-${customerId}`, product: 'credit_card', balance: -2150, limit: 2000 } };
  expect((await call('POST', '/v1/events', 'demo-channel', event)).status).toBe(202);
}

async function outboxMarketing(ids: ReadonlySet<string>): Promise<JsonBody[]> {
  const found: JsonBody[] = [];
  for (const channel of OUTBOUND) {
    let after = '';
    for (;;) {
      const page = await call('GET', `/v1/outbox?channel=${channel}&limit=500${after ? `&after=${after}` : ''}`, 'demo-admin');
      expect(page.status).toBe(200);
      found.push(...page.body.items.filter((m: JsonBody) => ids.has(m.customerId) && MARKETING_ACTIONS.has(m.actionId)));
      if (!page.body.nextCursor || page.body.items.length === 0) break;
      after = page.body.nextCursor;
    }
  }
  return found;
}

describe('D8: consent ordering on the customer partition', () => {
  it('emits and answers no marketing action after a withdrawal, while the control group still gets them', async () => {
    const withdrawing = customerIds('d8-w', WITHDRAWING);
    const control = customerIds('d8-c', CONTROL);
    await loadCreditCardHolders([...withdrawing, ...control]);
    for (const id of [...withdrawing, ...control]) await setMarketing(id, 'given');

    let answeredWithMarketing = 0;
    let accepted202 = 0;
    const concurrency = 8;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < withdrawing.length) {
          const id = withdrawing[next++];
          if ((await setMarketing(id, 'withdrawn')) === 202) accepted202++;
          await overdraw(id);
          const decision = await call('POST', '/v1/decisions', 'demo-channel-app', { customerId: id, channel: 'app' });
          expect(decision.status).toBe(200);
          if (decision.body.actions.some((a: JsonBody) => MARKETING_ACTIONS.has(a.actionId))) answeredWithMarketing++;
        }
      }),
    );
    for (const id of control) {
      await overdraw(id);
      const decision = await call('POST', '/v1/decisions', 'demo-channel-app', { customerId: id, channel: 'app' });
      expect(decision.body.actions.some((a: JsonBody) => MARKETING_ACTIONS.has(a.actionId))).toBe(true);
    }
    // The trigger decisions of the control group reach the outbox; wait for them so the outbox is complete.
    const controlIds = new Set(control);
    const deadline = Date.now() + 20_000;
    while ((await outboxMarketing(controlIds)).length < CONTROL && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await outboxMarketing(controlIds)).length).toBeGreaterThanOrEqual(CONTROL);

    const emitted = await outboxMarketing(new Set(withdrawing));
    const held = WITHDRAWING - answeredWithMarketing - new Set(emitted.map((m) => m.customerId)).size;
    process.stdout.write(`D8: ${WITHDRAWING} tried, ${held} held, ${answeredWithMarketing} marketing answers and ${emitted.length} marketing actions emitted after a withdrawal (${accepted202} withdrawals answered 202)\n`);
    expect(answeredWithMarketing).toBe(0);
    expect(emitted).toEqual([]);
  }, 240_000);
});
