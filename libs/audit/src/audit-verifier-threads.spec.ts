import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditCheckpointFile } from './audit-checkpoint-file';
import { AuditCheckpointer } from './audit-checkpointer';
import { AuditJournal } from './audit-journal';
import type { AuditChainVerifier, AuditRecordStore } from './audit-record-store';
import { loadAuditSigningKey, type AuditSigningKey } from './audit-signing-key';
import { AuditVerifier } from './audit-verifier';
import { checkChainPages } from './chain-check';
import { decisionDraft } from './test-support/audit-draft-factory';
import { InMemoryAuditRecordStore } from './test-support/in-memory-audit-record-store';
import { TestPersonalDataCipher } from './test-support/test-personal-data-cipher';

/**
 * Which chains go to the store's verification threads. The threads stand in here (the real pool, with its own
 * connections, is covered in libs/persistence): they run the same ChainCheck over the same store and count the
 * chains they are given, and they start only when asked to.
 */
class CountingThreads implements AuditChainVerifier {
  readonly lanes = 2;
  readonly chainsChecked: number[] = [];
  private started = false;

  constructor(private readonly store: AuditRecordStore) {}

  ready(): boolean {
    return this.started;
  }

  async prepare(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.started = true;
  }

  verifyChain(chain: number, proofs: Parameters<AuditChainVerifier['verifyChain']>[1], pageSize = 7) {
    if (!this.started) throw new Error('a chain was sent to threads that were not started');
    this.chainsChecked.push(chain);
    return checkChainPages(chain, proofs, pageSize, (from, limit) => this.store.readChain(chain, from, limit));
  }
}

describe('AuditVerifier and the store verification threads', () => {
  let dir: string;
  let key: AuditSigningKey;
  let store: InMemoryAuditRecordStore;
  let file: AuditCheckpointFile;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kairos-verifier-threads-'));
    key = loadAuditSigningKey(join(dir, 'signing.pem'), { createIfMissing: true });
    store = new InMemoryAuditRecordStore();
    file = new AuditCheckpointFile(join(dir, 'checkpoints'));
    const journal = new AuditJournal({ store, cipher: new TestPersonalDataCipher(), partitionCount: 3, checkpointer: new AuditCheckpointer({ store, key, file }), checkpointEveryMs: 0 });
    await Promise.all(Array.from({ length: 30 }, (_, n) => journal.append(decisionDraft(n))));
    await journal.checkpointNow();
    await journal.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function verifierWith(threads: CountingThreads, threadsFromRecords: number): AuditVerifier {
    const withThreads: AuditRecordStore = Object.assign(Object.create(store) as AuditRecordStore, { chainVerifier: threads });
    return new AuditVerifier({ store: withThreads, trustedPublicKey: key.publicKey, checkpoints: file, threadsFromRecords });
  }

  it('checks a log below the threshold on the event loop and leaves the threads unstarted', async () => {
    const threads = new CountingThreads(store);
    await expect(verifierWith(threads, 31).verify()).resolves.toEqual(expect.objectContaining({ ok: true, recordsVerified: 30 }));
    expect(threads.ready()).toBe(false);
    expect(threads.chainsChecked).toEqual([]);
  });

  it('starts the threads first for a log at the threshold, and checks every chain on them, with the same result', async () => {
    const threads = new CountingThreads(store);
    const onThreads = await verifierWith(threads, 30).verify();
    const onEventLoop = await verifierWith(new CountingThreads(store), 31).verify();
    expect(onThreads).toEqual(onEventLoop);
    expect(onThreads).toEqual(expect.objectContaining({ ok: true, recordsVerified: 30, chains: 3 }));
    expect([...threads.chainsChecked].sort()).toEqual([0, 1, 2]);
  });

  it('uses threads already started, whatever the size of the log', async () => {
    const threads = new CountingThreads(store);
    await threads.prepare();
    await verifierWith(threads, Number.MAX_SAFE_INTEGER).verify();
    expect(threads.chainsChecked).toHaveLength(3);
  });
});
