import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CustomerEvent, LoggedEvent } from '@kairos/contracts';
import { MASTER_KEY_FILE, isSealedValue } from '@kairos/privacy';
import { decodeSnapshot, defaultFeatureRegistry, profileOf } from '@kairos/profile';
import { PartitionSnapshotRepository } from '@kairos/persistence';
import { CANARY, ErasureStack, canaryRegistration, openErasureStack, partitionOf } from './erasure-test-support';

/**
 * Reliability tests G4 (erasure with canary PII) and A6 (erased personal data is undecryptable) on the embedded
 * stack: SQLite application database, embedded log file, real partition worker and snapshots.
 */
const ERASED = 'g4-customer-1';
const BYSTANDER = 'g4-customer-2';
const CANARIES = Object.values(CANARY);

function canaryHits(text: string | Buffer): string[] {
  const haystack = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  return CANARIES.filter((canary) => haystack.includes(Buffer.from(canary, 'utf8')));
}

/** Every file of the data directory (kairos.db, log.db and their -wal/-shm) except the key-encryption key. */
function scanDataDir(dataDir: string): Record<string, string[]> {
  const hits: Record<string, string[]> = {};
  for (const file of readdirSync(dataDir)) {
    if (file === MASTER_KEY_FILE) continue;
    const found = canaryHits(readFileSync(join(dataDir, file)));
    if (found.length > 0) hits[file] = found;
  }
  return hits;
}

async function eventsOf(stack: ErasureStack, customerId: string): Promise<LoggedEvent[]> {
  const records = await stack.log.read(partitionOf(customerId), 0, 10_000);
  return records.filter((r) => r.event.customerId === customerId);
}

describe('G4/A6: erasure with canary PII on the embedded stack', () => {
  let stack: ErasureStack;
  let sealedAuditNote: string;

  beforeAll(async () => {
    stack = await openErasureStack('sqlite');
    const bystander = canaryRegistration(BYSTANDER);
    const bystanderData = { ...(bystander.data as object), firstName: 'Erika', lastName: 'Muster', contact: { email: 'erika@example.org' } };
    // A registration that waits for its identifier (parked, sealed with the identifier's key), then the event that
    // links the identifier to the customer and releases it (re-sealed for the customer).
    const parked = { ...canaryRegistration(ERASED, 'reg-parked'), customerId: undefined, identifiers: { cardId: 'card-g4-1' } };
    await expect(stack.ingestion.ingest([parked])).resolves.toMatchObject({ accepted: 1, parked: 1 });
    const linking = { ...canaryRegistration(ERASED, 'pin-1'), type: 'atm_pin_failed', identifiers: { cardId: 'card-g4-1' }, data: { cardId: 'card-g4-1', atmId: 'atm-1' } };
    await expect(stack.ingestion.ingest([canaryRegistration(ERASED), { ...bystander, data: bystanderData }, linking])).resolves.toMatchObject({ accepted: 3, rejected: [] });
    await stack.caughtUp();
    // A snapshot that holds the profile, to be rewritten by the erasure.
    await stack.worker.snapshotAll();
    sealedAuditNote = await stack.keyring.seal(ERASED, `Sehr geehrte Frau ${CANARY.lastName}`);
  }, 60_000);

  afterAll(() => stack.close());

  it('stores only ciphertext for personal fields, before any erasure (and the scan does see the log)', async () => {
    const [registration] = (await eventsOf(stack, ERASED)).filter((r) => r.event.id === 'reg-g4-customer-1');
    const data = registration.event.data as CustomerEvent<'customer_registered'>['data'];
    expect([data.firstName, data.lastName, data.contact?.email, data.contact?.phone, data.birthDate].every(isSealedValue)).toBe(true);
    // The same sealed value is found in the log file's bytes: the scan reads what was stored.
    const logFiles = readdirSync(stack.dataDir).filter((f) => f.startsWith('log.db'));
    expect(logFiles.some((f) => readFileSync(join(stack.dataDir, f)).includes(Buffer.from(data.firstName!)))).toBe(true);
    expect(scanDataDir(stack.dataDir)).toEqual({});
    // The plaintext is there for whoever holds the key: the fold and a DSR export see it.
    const opened = await stack.opener.openEvent(registration.event, ERASED);
    expect((opened as CustomerEvent<'customer_registered'>).data.contact?.email).toBe(CANARY.email);
    const released = (await eventsOf(stack, ERASED)).find((r) => r.event.id === 'reg-parked')!;
    expect(canaryHits(JSON.stringify(released.event))).toEqual([]);
    expect((await stack.opener.openEvent(released.event, ERASED)).data).toMatchObject({ firstName: CANARY.firstName });
    expect(canaryHits(stack.logs.join('\n'))).toEqual([]);
  });

  it('erases: completed receipt, no canary in the data files, snapshots or logs, and nothing opens any more', async () => {
    const receipt = await stack.erasure.erase(ERASED, { principalId: 'dpo-1', role: 'dpo' }, 'consent_withdrawn');
    expect(receipt).toMatchObject({ customerId: ERASED, status: 'completed' });
    expect(receipt.steps.every((step) => step.status === 'done')).toBe(true);
    await stack.caughtUp();

    expect(scanDataDir(stack.dataDir)).toEqual({});
    expect(canaryHits(stack.logs.join('\n'))).toEqual([]);
    expect(canaryHits(JSON.stringify(receipt))).toEqual([]);
    expect(canaryHits(JSON.stringify(stack.audit.drafts))).toEqual([]);

    // No snapshot from before the erasure is left, and the one after it holds neither the profile nor its id.
    const partition = partitionOf(ERASED);
    const erasureOffset = receipt.steps.find((s) => s.step === 'erasure_event_appended')!.offset!;
    const snapshots = await new PartitionSnapshotRepository(stack.database).newestFirst(partition);
    expect(snapshots.length).toBeGreaterThan(0);
    for (const snapshot of snapshots) {
      expect(snapshot.offset).toBeGreaterThanOrEqual(erasureOffset);
      expect(canaryHits(Buffer.from(snapshot.data))).toEqual([]);
      expect(Buffer.from(snapshot.data).includes(Buffer.from(ERASED))).toBe(false);
      expect(profileOf(decodeSnapshot(snapshot.data, defaultFeatureRegistry()), ERASED)).toBeUndefined();
    }
    expect(profileOf(stack.worker.store(partition)!, ERASED)).toBeUndefined();

    // The encrypted events read back from the log can no longer be opened: every personal field comes back absent.
    for (const { event } of await eventsOf(stack, ERASED)) {
      const opened = await stack.opener.openEvent(event, ERASED);
      expect(canaryHits(JSON.stringify(opened))).toEqual([]);
      if (event.type === 'customer_registered') expect(opened.data).toEqual({ country: 'DE', language: 'de' });
    }
    // A6: sealed personal data of the audit trail opens to null (explanations show `erased`).
    await expect(stack.keyring.open(ERASED, sealedAuditNote)).resolves.toBeNull();
  });

  it('keeps the other customers readable, refuses new personal data for the erased one, and answers a repeat with the same receipt', async () => {
    const [bystander] = (await eventsOf(stack, BYSTANDER)).filter((r) => r.event.type === 'customer_registered');
    expect((await stack.opener.openEvent(bystander.event, BYSTANDER)).data).toMatchObject({ firstName: 'Erika', birthDate: CANARY.birthDate });

    const again = await stack.ingestion.ingest([canaryRegistration(ERASED, 'reg-again')]);
    expect(again).toMatchObject({ accepted: 0, rejected: [{ index: 0, issues: [{ path: 'events[0].customerId', rule: 'customer_erased' }] }] });
    expect(canaryHits(JSON.stringify(again))).toEqual([]);
    expect(scanDataDir(stack.dataDir)).toEqual({});

    const first = JSON.parse((await stack.erasures.find(ERASED))!.receipt!).receipt;
    await expect(stack.erasure.erase(ERASED, { principalId: 'dpo-2', role: 'dpo' })).resolves.toEqual(first);
    expect(stack.audit.drafts.filter((d) => d.kind === 'dsr_executed')).toHaveLength(1);
  });
});
