import { KairosError } from '@kairos/contracts';
import { createLogger } from '@kairos/observability';
import { STORAGE_DIALECTS } from '@kairos/testing';
import { CustomerErasureService } from './customer-erasure.service';
import { ERASURE_STEPS } from './erasure-receipt';
import { ErasureStack, canaryRegistration, openErasureStack } from './erasure-test-support';

const DPO = { principalId: 'dpo-7', role: 'dpo' };

describe.each(STORAGE_DIALECTS)('customer erasure on %s', (dialect) => {
  let stack: ErasureStack;
  beforeAll(async () => (stack = await openErasureStack(dialect)), 60_000);
  afterAll(() => stack.close());

  async function register(customerId: string): Promise<string> {
    await expect(stack.ingestion.ingest([canaryRegistration(customerId)])).resolves.toMatchObject({ accepted: 1 });
    return stack.keyring.seal(customerId, 'a note about the customer');
  }

  it('runs every step once, audits it without personal data, and answers a repeat with the original receipt', async () => {
    const sealed = await register('cus-1');
    const receipt = await stack.erasure.erase('cus-1', DPO, 'objection');
    expect(receipt.steps.map((s) => [s.step, s.status])).toEqual(ERASURE_STEPS.map((step) => [step, 'done']));
    expect(receipt).toMatchObject({ customerId: 'cus-1', status: 'completed', requestId: expect.stringMatching(/^dsr-/) });
    await expect(stack.keyring.open('cus-1', sealed)).resolves.toBeNull();
    await expect(stack.erasure.isErased('cus-1')).resolves.toBe(true);
    await expect(stack.erasure.isErased('cus-unknown')).resolves.toBe(false);

    const [draft] = stack.audit.drafts.filter((d) => d.subject === 'cus-1');
    expect(draft).toMatchObject({
      kind: 'dsr_executed',
      actor: { type: 'principal', principalId: 'dpo-7', role: 'dpo' },
      subject: 'cus-1',
      reasons: ['erased', 'erasure_ground:objection'],
      output: { right: 'erasure', requestId: receipt.requestId },
    });
    await expect(stack.erasure.erase('cus-1', { principalId: 'dpo-8', role: 'dpo' })).resolves.toEqual(receipt);
    expect(stack.audit.drafts.filter((d) => d.subject === 'cus-1')).toHaveLength(1);
  });

  it('erases the customer from every other registered store, once per erasure', async () => {
    await register('cus-5');
    const calls: string[] = [];
    const withStores = new CustomerErasureService(stack.log, stack.keyring, stack.erasures, stack.audit, createLogger({ level: 'silent' }), {
      otherStores: [
        { store: 'review_cases', eraseCustomer: async (id) => (calls.push(`review:${id}`), 2) },
        { store: 'consent_records', eraseCustomer: async (id) => (calls.push(`consent:${id}`), 3) },
      ],
    });
    const receipt = await withStores.erase('cus-5', DPO);
    expect(receipt.steps.find((s) => s.step === 'other_stores_erased')).toEqual({
      step: 'other_stores_erased',
      status: 'done',
      stores: [{ store: 'review_cases', count: 2 }, { store: 'consent_records', count: 3 }],
    });
    await withStores.erase('cus-5', DPO);
    expect(calls).toEqual(['review:cus-5', 'consent:cus-5']);
  });

  it('runs concurrent requests for one customer as one erasure', async () => {
    await register('cus-2');
    const receipts = await Promise.all([1, 2, 3].map(() => stack.erasure.erase('cus-2', DPO)));
    expect(new Set(receipts.map((r) => r.requestId)).size).toBe(1);
    expect(stack.audit.drafts.filter((d) => d.subject === 'cus-2')).toHaveLength(1);
  });

  it('after a crash between steps, a retry finishes the same erasure (same request id)', async () => {
    await register('cus-3');
    let failAppends = 1;
    const flakyLog = {
      append: async (events: Parameters<typeof stack.log.append>[0]) => {
        if (failAppends-- > 0) throw new KairosError('LOG_UNAVAILABLE', 'the log is down');
        return stack.log.append(events);
      },
    };
    const interrupted = new CustomerErasureService(flakyLog, stack.keyring, stack.erasures, stack.audit, createLogger({ level: 'silent' }));
    await expect(interrupted.erase('cus-3', DPO)).rejects.toMatchObject({ code: 'LOG_UNAVAILABLE' });
    // The first step is done: the personal data is unreadable already, and new personal data is refused.
    const tombstone = (await stack.erasures.find('cus-3'))!;
    await expect(stack.keyring.sealingKey('cus-3')).rejects.toMatchObject({ code: 'CUSTOMER_ERASED' });
    expect(tombstone.completedAtMs).toBeNull();

    const receipt = await interrupted.erase('cus-3', DPO);
    expect(receipt).toMatchObject({ requestId: tombstone.requestId, status: 'completed' });
  });

  it('reports a step that cannot finish yet as in progress, and completes it on the next request', async () => {
    await register('cus-4');
    stack.audit.failNext = 1;
    const first = await stack.erasure.erase('cus-4', DPO);
    expect(first.status).toBe('in_progress');
    expect(first.steps.find((s) => s.step === 'audit_recorded')?.status).toBe('pending');
    expect(first.steps.find((s) => s.step === 'snapshots_rewritten')?.status).toBe('done');
    await expect(stack.erasures.incomplete()).resolves.toEqual(expect.arrayContaining([expect.objectContaining({ customerId: 'cus-4' })]));
    await expect(stack.erasure.resumeIncomplete()).resolves.toBeGreaterThanOrEqual(1);
    const done = await stack.erasure.erase('cus-4', DPO);
    expect(done).toMatchObject({ requestId: first.requestId, status: 'completed' });
    // The resumed audit record still names the principal who asked.
    expect(stack.audit.drafts.filter((d) => d.subject === 'cus-4')).toEqual([expect.objectContaining({ actor: { type: 'principal', ...DPO } })]);
  });
});
