import { DEFAULT_CONSENT_POLICY, ConsentState, emptyConsentState, evolveConsentState } from '@kairos/consent';
import { CustomerEvent, DEFAULT_EVENT_VALIDATION_POLICY, GOVERNANCE_EVENT_VALIDATION_POLICY, LoggedEvent, validateIncomingEvent } from '@kairos/contracts';
import { PartitionWorker } from '@kairos/customer-state';
import { KairosMetrics, createLogger } from '@kairos/observability';
import type { PartitionSnapshotRepository } from '@kairos/persistence';
import { defaultFeatureRegistry } from '@kairos/profile';
import { ConsentGate } from './consent-gate.service';
import { PartitionWorkerAppliedOffsets, PartitionWorkerConsentStates } from './partition-worker-consent.adapter';
import { RecordingAuditTrail } from './consent-test-support';

const AT = Date.UTC(2026, 10, 23);

function gateOver(states: ReadonlyMap<string, ConsentState>, erased: readonly string[] = []) {
  const audit = new RecordingAuditTrail();
  const gate = new ConsentGate({
    states: { consentStateOf: (customerId) => states.get(customerId) },
    audit,
    policy: DEFAULT_CONSENT_POLICY,
    erasures: { isErased: async (customerId) => erased.includes(customerId) },
  });
  return { gate, audit };
}

describe('ConsentGate', () => {
  const consented = evolveConsentState(emptyConsentState(), { purpose: 'marketing', status: 'given', offset: 7 });

  it('allows without an audit record; denies with an action_suppressed record carrying reason and consent snapshot', async () => {
    const { gate, audit } = gateOver(new Map([['c-1', consented]]));
    await expect(gate.may('c-1', 'marketing', 'email', AT)).resolves.toMatchObject({ allowed: true, consent: { asOfOffset: 7, grants: [{ purpose: 'marketing', channel: null, status: 'given' }] } });
    expect(audit.drafts).toEqual([]);
    await expect(gate.may('c-1', 'profiling', null, AT, { decisionId: 'dec-9' })).resolves.toMatchObject({ allowed: false, reason: 'consent_missing:profiling:any' });
    expect(audit.drafts).toEqual([
      expect.objectContaining({
        kind: 'action_suppressed',
        actor: expect.objectContaining({ type: 'component', component: 'consent-gate' }),
        subject: 'c-1',
        decisionId: 'dec-9',
        reasons: ['consent_missing:profiling:any'],
        consent: { asOfOffset: 7, grants: [{ purpose: 'marketing', channel: null, status: 'given' }], objections: [] },
        occurredAtMs: AT,
      }),
    ]);
  });

  it('tells an erased customer from one never seen', async () => {
    const { gate } = gateOver(new Map(), ['gone']);
    await expect(gate.may('gone', 'service', 'app', AT)).resolves.toMatchObject({ allowed: false, reason: 'erased' });
    await expect(gate.may('new', 'service', 'app', AT)).resolves.toMatchObject({ allowed: true });
    await expect(gate.may('new', 'marketing', 'app', AT)).resolves.toMatchObject({ allowed: false, reason: 'consent_missing:marketing:app' });
  });

  it('fails when the suppression cannot be audited, so the caller cannot act on an unrecorded denial', async () => {
    const { gate, audit } = gateOver(new Map());
    audit.unavailable = true;
    await expect(gate.may('c-2', 'marketing', 'sms', AT)).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
  });
});

describe('partition worker adapters', () => {
  const registry = defaultFeatureRegistry();
  const snapshots = { newestFirst: async () => [], save: async () => undefined } as unknown as PartitionSnapshotRepository;
  const worker = () =>
    new PartitionWorker({ registry, snapshots, metrics: new KairosMetrics({ collectProcessMetrics: false }), logger: createLogger({ level: 'silent' }), snapshotEveryEvents: 1_000, snapshotEveryMs: 60_000 });
  const record = (offset: number, customerId: string): LoggedEvent => {
    const event: CustomerEvent = { id: `e-${offset}`, type: 'processing_objected', customerId, occurredAt: new Date(AT).toISOString(), occurredAtMs: AT, receivedAtMs: AT, source: 'governance-api', data: { requestId: `r-${offset}`, scope: 'profiling', receivedAt: new Date(AT).toISOString() } };
    return { partition: 0, offset, event };
  };

  it('wakes a waiter when its offset is applied, answers at once for an applied one, and times out otherwise', async () => {
    const owner = worker();
    await owner.onAssigned([0]);
    const applied = new PartitionWorkerAppliedOffsets(owner);
    const waiting = applied.waitUntilApplied(0, 1, 5_000);
    await owner.onRecords(0, [record(0, 'c-1'), record(1, 'c-1')]);
    await expect(waiting).resolves.toBe(true);
    await expect(applied.waitUntilApplied(0, 0, 1)).resolves.toBe(true);
    await expect(applied.waitUntilApplied(0, 9, 20)).resolves.toBe(false);
  });

  it('reads consent states from the owned store and refuses partitions it does not own', async () => {
    const owner = worker();
    await owner.onAssigned([0]);
    await owner.onRecords(0, [record(0, 'c-1')]);
    const states = new PartitionWorkerConsentStates(owner, 1);
    expect(states.consentStateOf('c-1')?.objections.profiling).toBe(0);
    expect(states.consentStateOf('c-unknown')).toBeUndefined();
    expect(() => new PartitionWorkerConsentStates(worker(), 1).consentStateOf('c-1')).toThrow(expect.objectContaining({ code: 'NOT_PARTITION_OWNER' }));
  });
});

describe('governance event types at the producer edge', () => {
  const consent = {
    id: 'evt-1',
    type: 'consent_changed',
    customerId: 'cust-1',
    occurredAt: '2026-11-23T11:00:00Z',
    source: 'crm',
    data: { consentId: 'c-1', purpose: 'marketing', status: 'given', method: 'api', capturedAt: '2026-11-23T11:00:00Z', noticeId: 'n', noticeVersion: '1', evidenceRef: 'e' },
  };

  it.each(['consent_changed', 'processing_objected', 'customer_erased'])('refuses %s from external producers with a named rule', (type) => {
    const result = validateIncomingEvent({ ...consent, type }, AT, DEFAULT_EVENT_VALIDATION_POLICY, ['events', 2]);
    expect(!result.ok && result.issues).toContainEqual(expect.objectContaining({ path: 'events[2].type', rule: 'governance_event_type_refused' }));
  });

  it('accepts them under the governance API policy', () => {
    expect(validateIncomingEvent(consent, AT + 86_400_000, GOVERNANCE_EVENT_VALIDATION_POLICY)).toMatchObject({ ok: true });
  });
});
