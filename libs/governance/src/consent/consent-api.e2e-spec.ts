import { CONSENT_CHANNELS } from '@kairos/contracts';
import { consentRecordSchema } from '@kairos/consent';
import { consentChange, useConsentHarness } from './consent-test-support';

/** The consent API over a real socket, backed by SQLite, the embedded log and a real PartitionWorker. */
describe('consent API', () => {
  const stack = useConsentHarness();
  const now = () => Date.now();

  it('records one change: in force for the next decision, audited, listed with its history', async () => {
    const { request, gate, audit } = stack();
    expect((await gate.may('cust-a', 'marketing', 'email', now())).allowed).toBe(false);
    const put = await request('PUT', '/v1/customers/cust-a/consents', consentChange());
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ customerId: 'cust-a', inForce: true, audited: true, changes: [{ consentId: expect.stringMatching(/^cons-/), offset: expect.any(Number) }] });
    await expect(gate.may('cust-a', 'marketing', 'email', now())).resolves.toMatchObject({ allowed: true, reason: 'consent_given:marketing:email' });
    await expect(gate.may('cust-a', 'marketing', 'sms', now())).resolves.toMatchObject({ allowed: false, reason: 'consent_missing:marketing:sms' });
    expect(audit.of('consent_changed')).toEqual([
      expect.objectContaining({ subject: 'cust-a', actor: { type: 'principal', principalId: 'demo:dpo', role: 'dpo' }, reasons: ['consent_given:marketing:email'] }),
    ]);

    const get = await request('GET', '/v1/customers/cust-a/consents');
    expect(get.status).toBe(200);
    expect(get.body).toMatchObject({
      customerId: 'cust-a',
      pending: 0,
      state: { purposes: { marketing: { email: 'given', any: 'unknown' } } },
      history: [{ purpose: 'marketing', channel: 'email', status: 'given', method: 'app', noticeId: 'privacy-notice', noticeVersion: '2.1', evidenceRef: 'ev-1', inForce: true }],
    });
  });

  it('records a batch in order; G7: every consent record the API produces validates against the 27560/DPV schema', async () => {
    const { request } = stack();
    const changes = [
      consentChange({ channel: undefined, status: 'given' }),
      consentChange({ channel: 'sms', status: 'refused', method: 'call_center' }),
      consentChange({ purpose: 'profiling', channel: undefined, status: 'given', noticeVersion: '3' }),
      consentChange({ channel: undefined, status: 'withdrawn', method: 'web_form' }),
    ];
    const put = await request('PUT', '/v1/customers/cust-b/consents', { changes });
    expect(put.status).toBe(200);
    const offsets = (put.body.changes as { offset: number }[]).map((change) => change.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));

    const { body } = await request('GET', '/v1/customers/cust-b/consents');
    expect(body.state).toMatchObject({ purposes: { marketing: { any: 'withdrawn', sms: 'refused' }, profiling: { any: 'given' } } });
    const records = body.records as unknown[];
    expect(records).toHaveLength(3);
    const invalid = records.filter((record) => !consentRecordSchema.safeParse(record).success);
    expect(invalid).toEqual([]);
    expect(records[0]).toMatchObject({ channel: null, state: 'dpv:ConsentWithdrawn', statusHistory: [{ status: 'given' }, { status: 'withdrawn', method: 'web_form' }] });
  });

  it('answers 400 naming field and rule, and stores nothing of a refused request', async () => {
    const { request, ledger } = stack();
    const cases: [unknown, string, string][] = [
      [consentChange({ status: 'maybe' }), 'status', 'invalid_value'],
      [{ changes: [consentChange(), consentChange({ purpose: 'telepathy' })] }, 'changes[1].purpose', 'invalid_value'],
      [{ changes: [consentChange({ capturedAt: new Date(now() + 3_600_000).toISOString() })] }, 'changes[0].capturedAt', 'not_in_future'],
      [consentChange({ consentId: 'mine' }), '(root)', 'unrecognized_keys'],
      [consentChange({ noticeVersion: 'v2' }), 'noticeVersion', 'invalid_format'],
      [{ changes: [] }, 'changes', 'too_small'],
      [[consentChange()], '(root)', 'invalid_type'],
      [consentChange({ evidenceRef: '4111111111111111' }), 'evidenceRef', 'no_payment_card_number'],
    ];
    for (const [body, path, rule] of cases) {
      const response = await request('PUT', '/v1/customers/cust-c/consents', body);
      expect([response.status, response.body.error]).toEqual([400, 'VALIDATION_FAILED']);
      expect(response.body.issues).toContainEqual(expect.objectContaining({ path, rule }));
    }
    expect((await request('PUT', '/v1/customers/not%20an%20id/consents', consentChange())).body.issues).toEqual([expect.objectContaining({ path: 'customerId', rule: 'invalid_format' })]);
    await expect(ledger.ofCustomer('cust-c')).resolves.toEqual([]);
  });

  it('lets only roles with Consent rights read or change consents', async () => {
    const { request } = stack();
    for (const key of ['demo-channel', 'demo-rule-modeler', 'demo-data-scientist', 'demo-content-author']) {
      expect((await request('PUT', '/v1/customers/cust-d/consents', consentChange(), key)).status).toBe(403);
      expect((await request('GET', '/v1/customers/cust-d/consents', undefined, key)).status).toBe(403);
      expect((await request('POST', '/v1/customers/cust-d/objections', { scope: 'profiling' }, key)).status).toBe(403);
    }
    expect((await request('GET', '/v1/customers/cust-d/consents', undefined, null)).status).toBe(401);
    expect((await request('PUT', '/v1/customers/cust-d/consents', consentChange(), 'demo-admin')).status).toBe(200);
  });

  it('G2: an Art. 21 objection to direct marketing stops marketing on every channel at once; repeating it changes nothing', async () => {
    const { request, gate, audit, log } = stack();
    await request('PUT', '/v1/customers/cust-e/consents', consentChange({ channel: undefined }));
    expect((await gate.may('cust-e', 'marketing', 'push', now())).allowed).toBe(true);

    const first = await request('POST', '/v1/customers/cust-e/objections', { scope: 'direct_marketing', requestId: 'dsr-e-1' });
    expect(first).toMatchObject({ status: 200, body: { requestId: 'dsr-e-1', scope: 'direct_marketing', alreadyRecorded: false, inForce: true } });
    const again = await request('POST', '/v1/customers/cust-e/objections', { scope: 'direct_marketing', requestId: 'dsr-e-2' });
    expect(again).toMatchObject({ status: 200, body: { requestId: 'dsr-e-1', alreadyRecorded: true, offset: first.body.offset } });
    expect(audit.of('objection_recorded').filter((draft) => draft.subject === 'cust-e')).toHaveLength(1);
    await expect(log.locate('objection:dsr-e-2')).resolves.toBeNull();

    const suppressedBefore = audit.of('action_suppressed').length;
    for (const channel of [...CONSENT_CHANNELS, null]) {
      await expect(gate.may('cust-e', 'marketing', channel, now(), { decisionId: `d-${channel}` })).resolves.toMatchObject({ allowed: false, reason: 'objected:direct_marketing' });
    }
    const suppressed = audit.of('action_suppressed').slice(suppressedBefore);
    expect(suppressed).toHaveLength(CONSENT_CHANNELS.length + 1);
    expect(suppressed[0]).toMatchObject({ subject: 'cust-e', decisionId: 'd-email', reasons: ['objected:direct_marketing'], consent: { objections: ['direct_marketing'] } });
    expect((await request('GET', '/v1/customers/cust-e/consents')).body).toMatchObject({ objections: [{ requestId: 'dsr-e-1', scope: 'direct_marketing' }], state: { objections: { direct_marketing: expect.any(Number) } } });
    expect((await request('POST', '/v1/customers/cust-e/objections', { scope: 'everything' })).body.issues).toEqual([expect.objectContaining({ path: 'scope', rule: 'invalid_value' })]);
    const pan = await request('POST', '/v1/customers/cust-e/objections', { scope: 'profiling', requestId: '5500005555555559' });
    expect(pan.body.issues).toContainEqual(expect.objectContaining({ path: 'requestId', rule: 'no_payment_card_number' }));
    expect(JSON.stringify(pan.body)).not.toContain('5500005555555559');
  });

  it('finishes through the outbox what the audit trail could not take, without a second event', async () => {
    const { request, audit, ledger, consents, log } = stack();
    audit.unavailable = true;
    const put = await request('PUT', '/v1/customers/cust-f/consents', consentChange({ status: 'refused' }));
    expect(put.body).toMatchObject({ inForce: true, audited: false });
    const [entry] = await ledger.ofCustomer('cust-f');
    expect(entry.auditedAtMs).toBeNull();
    audit.unavailable = false;
    await expect(consents.reconcile(0)).resolves.toBeGreaterThanOrEqual(1);
    expect((await ledger.ofCustomer('cust-f'))[0].auditedAtMs).not.toBeNull();
    expect(audit.of('consent_changed').filter((draft) => draft.subject === 'cust-f')).toHaveLength(1);
    await expect(log.locate(entry.eventId)).resolves.toMatchObject({ offset: entry.logOffset });
  });

  it('publishes an entry a crash left unpublished at the next sweep, and it is then in force', async () => {
    const { ledger, consents, gate } = stack();
    const recordedAtMs = now() - 60_000;
    await ledger.record([
      {
        entryId: 'cons-crashed-1',
        kind: 'consent',
        customerId: 'cust-g',
        eventId: 'consent-change:cons-crashed-1',
        purpose: 'marketing',
        channel: null,
        status: 'given',
        method: 'branch',
        scope: null,
        capturedAtMs: recordedAtMs,
        noticeId: 'privacy-notice',
        noticeVersion: '2.1',
        evidenceRef: 'paper-17',
        recordedAtMs,
        recordedBy: 'demo:dpo',
        recordedByRole: 'dpo',
      },
    ]);
    expect((await gate.may('cust-g', 'marketing', 'letter', now())).allowed).toBe(false);
    await consents.reconcile(0);
    const deadline = now() + 5_000;
    while (!(await gate.may('cust-g', 'marketing', 'letter', now())).allowed && now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(gate.may('cust-g', 'marketing', 'letter', now())).resolves.toMatchObject({ allowed: true });
    expect((await ledger.find('cons-crashed-1'))?.logOffset).not.toBeNull();
  });
});
