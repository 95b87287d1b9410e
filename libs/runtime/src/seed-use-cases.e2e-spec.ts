import { JsonBody, requestJson } from '@kairos/testing';
import { approveCatalogContent } from './testing/catalog-content';
import { useInProcessPlatform } from './testing/in-process-platform';

/**
 * The five use cases of the seed articles, end to end over HTTP on the embedded platform with every module wired:
 * events in through /v1/events, triggers in the partition worker, decisions (inbound over /v1/decisions, outbound
 * through the outbox feed), each leaving a trace and an audit record whose explanation the DPO reads.
 */
const DAY = 86_400_000;
const MINUTE = 60_000;

/** Arrears from the collections system (an external feature the catalog declares; there is no such system here). */
const daysPastDue = new Map<string, number>();

const platform = useInProcessPlatform('seed-cases', {
  open: { decisioning: { externalFeatures: { featureOf: (customerId, name) => (name === 'days_past_due' ? daysPastDue.get(customerId) : undefined) } } },
});
const call = (method: string, path: string, apiKey: string, body?: unknown) => requestJson(platform.baseUrl(), method, path, { apiKey, ...(body === undefined ? {} : { body }) });

beforeAll(async () => {
  await approveCatalogContent(platform.runtime(), platform.baseUrl());
}, 90_000);

let eventSeq = 0;
function event(customerId: string, type: string, data: JsonBody, ageMs: number): JsonBody {
  return { id: `seed-case-${++eventSeq}`, type, customerId, occurredAt: new Date(Date.now() - ageMs).toISOString(), source: 'core-banking', data };
}

async function send(...events: JsonBody[]): Promise<void> {
  const reply = await call('POST', '/v1/events', 'demo-channel', { events });
  expect(reply.status).toBe(202);
}

async function customer(customerId: string, options: { birthDate?: string; timeZone?: string; checking?: boolean } = {}): Promise<void> {
  const registration = { birthDate: options.birthDate ?? '1985-03-03', country: 'DE', language: 'de', timeZone: options.timeZone ?? daytimeZone().timeZone };
  await send(
    event(customerId, 'customer_registered', registration, 900 * DAY),
    ...(options.checking === false ? [] : [event(customerId, 'product_opened', { product: 'checking_account', productId: `ca-${customerId}` }, 800 * DAY)]),
  );
}

/** Records a consent; returns the id of the `consent_changed` event it appended. */
async function consent(customerId: string, purpose: string, channel?: string): Promise<string> {
  const change = { purpose, ...(channel ? { channel } : {}), status: 'given', method: 'app', capturedAt: new Date().toISOString(), noticeId: 'notice-1', noticeVersion: '1', evidenceRef: `ev-${++eventSeq}` };
  const reply = await call('PUT', `/v1/customers/${customerId}/consents`, 'demo-dpo', change);
  expect([200, 202]).toContain(reply.status);
  return reply.body.changes[0].eventId;
}

async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The outbox feed of a channel (the admin reads every channel's feed). */
async function feed(channel: string): Promise<JsonBody[]> {
  const items: JsonBody[] = [];
  let after = '';
  for (;;) {
    const page = await call('GET', `/v1/outbox?channel=${channel}&limit=500${after ? `&after=${after}` : ''}`, 'demo-admin');
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    if (!page.body.nextCursor || page.body.items.length === 0) return items;
    after = page.body.nextCursor;
  }
}

const messagesFor = async (channel: string, customerId: string) => (await feed(channel)).filter((m) => m.customerId === customerId);

async function traceStages(eventId: string): Promise<JsonBody[]> {
  const trace = await call('GET', `/v1/events/${eventId}/trace`, 'demo-admin');
  expect(trace.status).toBe(200);
  return trace.body.stages;
}

/**
 * The DPO's view of a decision: the audit record and its explanation rendered in German. It names the first offered
 * action, and every reason the pipeline wrote has words of its own (the generic „der Grund „…“ vorlag" is the
 * renderer's fallback for a code it does not know).
 */
async function expectExplained(decisionId: string): Promise<JsonBody> {
  const reply = await call('GET', `/v1/decisions/${decisionId}?lang=de`, 'demo-dpo');
  expect(reply.status).toBe(200);
  expect(reply.body.record.kind).toBe('decision_served');
  const top = reply.body.record.output.actions[0];
  if (top) expect(reply.body.explanation.summary).toMatch(new RegExp(`^Sie sehen „${top.actionId}“`));
  expect(reply.body.explanation.text).not.toContain('der Grund „');
  return reply.body;
}

/**
 * A zone where it is daytime now, 10:00 to 19:59 local, and its local date: past the 09:00 of calendar triggers and
 * outside every channel's quiet hours, so the test does not depend on when CI runs.
 */
function daytimeZone(): { timeZone: string; localDate: string } {
  const zones = ['Europe/Berlin', 'Asia/Tokyo', 'Pacific/Kiritimati', 'Pacific/Auckland', 'Asia/Kolkata', 'America/Sao_Paulo', 'America/New_York', 'America/Los_Angeles', 'Pacific/Honolulu'];
  for (const timeZone of zones) {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).formatToParts(new Date()).map((p) => [p.type, p.value]));
    const hour = Number(parts.hour);
    if (hour >= 10 && hour <= 19) return { timeZone, localDate: `${parts.year}-${parts.month}-${parts.day}` };
  }
  throw new Error('no candidate zone is between 10:00 and 20:00 now');
}

describe('seed use case 1: three failed PINs lock the card; the IVR offers the unlock first', () => {
  it('answers the next IVR decision with card-unlock first within the same second, and sends no letter', async () => {
    const id = 'seed1-anna';
    await customer(id);
    const pins = [3, 2, 1].map((minutesAgo) => event(id, 'atm_pin_failed', { cardId: `dc-${id}`, atmId: 'atm-7' }, minutesAgo * MINUTE));
    await send(pins[0], pins[1]);
    await send(pins[2]);
    const acceptedAt = Date.now();
    const decision = await call('POST', '/v1/decisions', 'demo-channel-ivr', { customerId: id, channel: 'ivr' });
    const answeredAt = Date.now();
    expect(decision.status).toBe(200);
    expect(decision.body.actions[0].actionId).toBe('card-unlock');
    expect(decision.body.actions[0].reasons).toContain('trigger:card-lock-after-pin-failures');
    expect(answeredAt - acceptedAt).toBeLessThan(1_000);
    expect(decision.body.actions.some((a: JsonBody) => a.channel === 'letter')).toBe(false);
    expect(await messagesFor('letter', id)).toEqual([]);

    const stages = (await traceStages(pins[2].id)).map((s) => s.stage);
    expect(stages).toEqual(expect.arrayContaining(['applied', 'triggers_evaluated', 'trigger_fired']));
    const explained = await expectExplained(decision.body.decisionId);
    expect(JSON.stringify(explained.record.logic)).toContain('card-lock-after-pin-failures');
  });
});

describe('seed use case 2: a credit card unused 30 days after opening triggers a usage nudge', () => {
  it('nudges on the consented channel only; a transaction on day 29 cancels the nudge', async () => {
    const unused = 'seed2-ben';
    const used = 'seed2-carla';
    for (const id of [unused, used]) {
      await customer(id);
      await consent(id, 'marketing', 'push');
    }
    const opened = (id: string) => event(id, 'product_opened', { product: 'credit_card', productId: `cc-${id}`, limit: 2000 }, 30 * DAY + 6 * 3_600_000);
    const openedUnused = opened(unused);
    await send(openedUnused, opened(used));
    await send(event(used, 'card_transaction', { cardId: `cc-${used}`, product: 'credit_card', amount: 42.5, currency: 'EUR', merchantCategory: '5411', channel: 'pos' }, 1 * DAY + 6 * 3_600_000));

    const nudges = await eventually(async () => {
      const rows = await messagesFor('push', unused);
      return rows.length > 0 ? rows : undefined;
    });
    expect(nudges.map((m) => m.actionId)).toEqual(['credit-card-usage-nudge']);
    expect(nudges[0].content.version).not.toBeNull();
    // Consent covers push only: nothing goes out by e-mail.
    expect(await messagesFor('email', unused)).toEqual([]);
    // The other customer's timer was cancelled by the day-29 transaction; two more ticks change nothing.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect([...(await messagesFor('push', used)), ...(await messagesFor('email', used))]).toEqual([]);

    const stages = await traceStages(openedUnused.id);
    expect(stages.map((s) => s.stage)).toEqual(expect.arrayContaining(['trigger_fired', 'decided', 'action_emitted']));
    const decided = stages.find((s) => s.stage === 'decided');
    const explained = await expectExplained(decided.detail.decisionId);
    expect(JSON.stringify(explained.record.output)).toContain('credit-card-usage-nudge');
  });
});

describe('seed use case 3: a checking-account holder turning 18 gets a credit-card recommendation', () => {
  it('recommends to the account holder on their 18th birthday and not to a customer without an account', async () => {
    const { timeZone, localDate } = daytimeZone();
    const birthDate = `${Number(localDate.slice(0, 4)) - 18}${localDate.slice(4)}`;
    const holder = 'seed3-dana';
    const noAccount = 'seed3-emil';
    await customer(holder, { birthDate, timeZone });
    await customer(noAccount, { birthDate, timeZone, checking: false });
    for (const id of [holder, noAccount]) {
      daysPastDue.set(id, 0);
      await consent(id, 'marketing');
    }

    const offers = await eventually(async () => {
      const rows = [...(await messagesFor('email', holder)), ...(await messagesFor('push', holder))];
      return rows.length > 0 ? rows : undefined;
    });
    expect(offers.every((m) => m.actionId === 'credit-card-recommendation')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect([...(await messagesFor('email', noAccount)), ...(await messagesFor('push', noAccount))]).toEqual([]);

    // Inbound too: on the web the recommendation ranks with the birthday as context.
    const web = await call('POST', '/v1/decisions', 'demo-channel', { customerId: holder, channel: 'web' });
    expect(web.status).toBe(200);
    const recommended = web.body.actions.find((a: JsonBody) => a.actionId === 'credit-card-recommendation');
    expect(recommended.reasons).toContain('trigger:turns-18');
    const without = await call('POST', '/v1/decisions', 'demo-channel', { customerId: noAccount, channel: 'web' });
    expect(without.body.actions.map((a: JsonBody) => a.actionId)).not.toContain('credit-card-recommendation');
    await expectExplained(offers[0].decisionId);
  });
});

describe('seed use case 4: an overdrawn credit card leads to an installment loan or a debit card, never more credit in arrears', () => {
  it('offers debt relief to the customer in good standing and no credit at all to the customer in arrears', async () => {
    const good = 'seed4-fritz';
    const arrears = 'seed4-gina';
    for (const [id, days] of [
      [good, 0],
      [arrears, 45],
    ] as const) {
      daysPastDue.set(id, days);
      await customer(id);
      await consent(id, 'marketing');
      await send(event(id, 'product_opened', { product: 'credit_card', productId: `cc-${id}`, limit: 2000 }, 400 * DAY));
    }
    const overdrawn = (id: string) => event(id, 'balance_changed', { productId: `cc-${id}`, product: 'credit_card', balance: -2150, limit: 2000 }, 5 * MINUTE);
    const overdrawnGood = overdrawn(good);
    await send(overdrawnGood, overdrawn(arrears));

    const relief = await call('POST', '/v1/decisions', 'demo-channel-app', { customerId: good, channel: 'app' });
    expect(relief.status).toBe(200);
    const offered = relief.body.actions.map((a: JsonBody) => a.actionId);
    expect(offered.some((id: string) => id === 'installment-loan-offer' || id === 'debit-card-offer')).toBe(true);
    expect(offered).not.toContain('credit-limit-increase');

    const CREDIT = ['installment-loan-offer', 'credit-limit-increase', 'credit-card-recommendation'];
    const inArrears = await call('POST', '/v1/decisions', 'demo-channel-app', { customerId: arrears, channel: 'app' });
    expect(inArrears.status).toBe(200);
    expect(inArrears.body.actions.map((a: JsonBody) => a.actionId).filter((id: string) => CREDIT.includes(id))).toEqual([]);
    // The trigger's outbound decisions: relief goes out for the customer in good standing, no credit for the other.
    const outbound = await eventually(async () => {
      const rows = [...(await messagesFor('email', good)), ...(await messagesFor('callback', good)), ...(await messagesFor('push', good))];
      return rows.length > 0 ? rows : undefined;
    });
    expect(outbound.map((m) => m.actionId)).not.toContain('credit-limit-increase');
    const arrearsOut = [...(await messagesFor('email', arrears)), ...(await messagesFor('callback', arrears)), ...(await messagesFor('push', arrears))];
    expect(arrearsOut.filter((m) => CREDIT.includes(m.actionId))).toEqual([]);

    const stages = await traceStages(overdrawnGood.id);
    expect(stages.map((s) => s.stage)).toEqual(expect.arrayContaining(['trigger_fired', 'decided']));
    await expectExplained(relief.body.decisionId);
  });
});

describe('seed use case 5: a churn score above threshold puts the customer into the retention campaign', () => {
  it('sends the bandit-chosen approved variant, or holds the customer out as control, and shows it in the campaign', async () => {
    const ids = ['seed5-hans', 'seed5-ida', 'seed5-jon', 'seed5-kim', 'seed5-lea', 'seed5-max'];
    const lastEvents = new Map<string, string>();
    for (const id of ids) {
      await customer(id);
      // A once active customer who faded out (card use every other day, then every ninth), complained about fees and
      // looked at how to leave.
      const history: JsonBody[] = [];
      for (let day = 200; day > 10; day -= day > 100 ? 2 : 9) {
        history.push(event(id, 'card_transaction', { cardId: `dc-${id}`, product: 'debit_card', amount: 20, currency: 'EUR', merchantCategory: '5411', channel: 'pos' }, day * DAY));
        if (day > 100 && day % 3 === 0) history.push(event(id, 'login', { channel: 'app' }, day * DAY + 3_600_000));
      }
      for (let i = 0; i < 3; i++) history.push(event(id, 'complaint_filed', { category: 'fees' }, (5 + i) * DAY));
      for (let i = 0; i < 6; i++) history.push(event(id, 'page_view', { channel: 'web', page: ['/help/fees', '/account/close', '/help/account-switch'][i % 3] }, (3 + i) * DAY));
      await send(...history);
      // The score is computed once the customer allows AI personalisation; the consent change rescored them.
      await consent(id, 'marketing');
      lastEvents.set(id, await consent(id, 'ai_personalization'));
    }

    const campaignOf = async () => {
      const reply = await call('GET', '/v1/campaigns/retention-winter-2026', 'demo-rule-modeler');
      expect(reply.status).toBe(200);
      return reply.body;
    };
    // Every customer's churn score crossed 0.7: each either received a variant or was held out as control.
    const outcomes = await eventually(async () => {
      const found = await Promise.all(ids.map(async (id) => [...(await messagesFor('email', id)), ...(await messagesFor('push', id))]));
      const traces = await Promise.all(ids.map(async (id) => (await traceStages(lastEvents.get(id) as string)).map((s) => s.stage)));
      return traces.every((stages) => stages.includes('decided')) ? found : undefined;
    });
    const treated = outcomes.flat();
    expect(treated.length).toBeGreaterThan(0);
    const approvedVariants = new Set(['fee-waiver', 'bonus-interest', 'personal-advisor']);
    for (const message of treated) {
      expect(message.actionId).toBe('retention-offer');
      expect(message.content.campaignId).toBe('retention-winter-2026');
      expect(approvedVariants.has(message.content.variantId)).toBe(true);
      expect(message.content.version).not.toBeNull();
    }
    const report = await campaignOf();
    expect(JSON.stringify(report)).toContain('fee-waiver');
    const explained = await expectExplained(treated[0].decisionId);
    expect(JSON.stringify(explained.record.logic)).toContain('churn');
  });
});
