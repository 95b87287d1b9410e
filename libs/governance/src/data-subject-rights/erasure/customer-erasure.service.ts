import { randomUUID } from 'node:crypto';
import type { AuditActor, AuditTrail } from '@kairos/audit';
import { KairosError, type CustomerEvent } from '@kairos/contracts';
import type { EventLog } from '@kairos/event-log';
import type { Logger } from '@kairos/observability';
import type { ErasureRecord, ErasureRepository } from '@kairos/persistence';
import { CustomerKeyring, parkingKeySubject } from '@kairos/privacy';
import { ERASURE_STEPS, ErasureReceipt, ErasureStep, ErasureStepName } from './erasure-receipt';
import type { ErasureGround } from './erasure-request.schema';

/** Who asked for the erasure: a pseudonymous principal, never a name. */
export interface ErasureRequester {
  readonly principalId: string;
  readonly role: string;
}

/**
 * A store outside the log that keeps data about customers and must forget one on erasure. `eraseCustomer` must be
 * idempotent (a retry after a crash runs it again) and returns the number of rows it deleted.
 */
export interface CustomerDataEraser {
  readonly store: string;
  eraseCustomer(customerId: string): Promise<number>;
}

export interface CustomerErasureOptions {
  /** Further stores to erase the customer from (step other_stores_erased), in order. */
  readonly otherStores?: readonly CustomerDataEraser[];
  readonly clock?: () => number;
  /** How long a request waits for the partition owner to rewrite its snapshots before answering in_progress, in ms. */
  readonly snapshotWaitMs?: number;
  readonly pollIntervalMs?: number;
  readonly newRequestId?: () => string;
}

/** What is stored with the tombstone while an erasure runs: the receipt so far and what the audit record needs. */
interface ErasureProgress {
  readonly receipt: ErasureReceipt;
  readonly requestedBy: ErasureRequester | null;
  readonly reason: ErasureGround | null;
}

const COMPONENT: AuditActor = { type: 'component', component: 'customer-erasure', version: '1' };
const SOURCE = 'kairos-governance';

/**
 * Art. 17 erasure by crypto-shredding. The first step destroys the customer's data key together with writing the
 * tombstone: from then on the personal data in the log, the Kafka topic and every backup is unreadable, and a crash
 * cannot leave it readable. The remaining steps delete what is stored outside the log, are idempotent and are
 * recorded as they finish, so a repeated request (or `resumeIncomplete`) completes an interrupted erasure with the
 * same request id; a completed one answers with its original receipt.
 */
export class CustomerErasureService {
  private readonly clock: () => number;
  private readonly snapshotWaitMs: number;
  private readonly pollIntervalMs: number;
  private readonly newRequestId: () => string;
  private readonly otherStores: readonly CustomerDataEraser[];
  /** One run per customer at a time in this process: a double click must not write two audit records. */
  private readonly running = new Map<string, Promise<ErasureReceipt>>();

  constructor(
    private readonly log: Pick<EventLog, 'append'>,
    private readonly keyring: CustomerKeyring,
    private readonly erasures: ErasureRepository,
    private readonly audit: AuditTrail,
    private readonly logger: Logger,
    options: CustomerErasureOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.snapshotWaitMs = options.snapshotWaitMs ?? 10_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.newRequestId = options.newRequestId ?? (() => `dsr-${randomUUID()}`);
    this.otherStores = options.otherStores ?? [];
  }

  /** `requester` null: resumed by the system (the audit record names this component unless the original requester is known). */
  async erase(customerId: string, requester: ErasureRequester | null, reason?: ErasureGround): Promise<ErasureReceipt> {
    const inFlight = this.running.get(customerId);
    if (inFlight) return inFlight;
    const run = this.run(customerId, requester, reason ?? null).finally(() => this.running.delete(customerId));
    this.running.set(customerId, run);
    return run;
  }

  /** Whether the customer was erased (or an erasure of theirs has begun). Serves the consent module's ErasedCustomers. */
  async isErased(customerId: string): Promise<boolean> {
    return (await this.erasures.find(customerId)) !== null;
  }

  /** Completes erasures a crash or a lagging worker left in progress; returns how many are now completed. */
  async resumeIncomplete(): Promise<number> {
    let completed = 0;
    for (const record of await this.erasures.incomplete()) {
      const receipt = await this.erase(record.customerId, null).catch((error: Error) => {
        this.logger.warn({ requestId: record.requestId, err: error.message }, 'resuming an erasure failed; retrying later');
        return null;
      });
      if (receipt?.status === 'completed') completed++;
    }
    return completed;
  }

  private async run(customerId: string, requester: ErasureRequester | null, reason: ErasureGround | null): Promise<ErasureReceipt> {
    const record = (await this.erasures.find(customerId)) ?? (await this.begin(customerId));
    const progress = this.progressOf(record, requester, reason);
    if (progress.receipt.status === 'completed') return progress.receipt;
    return this.complete(progress);
  }

  /** Step 1: key destroyed and tombstone written, atomically. A concurrent request that won keeps its request id. */
  private async begin(customerId: string): Promise<ErasureRecord> {
    await this.keyring.destroy({ customerId, requestId: this.newRequestId(), erasedAtMs: this.clock() });
    const record = await this.erasures.find(customerId);
    if (!record) throw new KairosError('STORAGE_UNAVAILABLE', 'the erasure tombstone was not found after it was written', [], 1);
    this.logger.info({ requestId: record.requestId }, 'customer data key destroyed (Art. 17 erasure)');
    return record;
  }

  private progressOf(record: ErasureRecord, requester: ErasureRequester | null, reason: ErasureGround | null): ErasureProgress {
    if (record.receipt) return JSON.parse(record.receipt) as ErasureProgress;
    const steps = ERASURE_STEPS.map((step): ErasureStep => ({ step, status: step === 'key_destroyed' ? 'done' : 'pending' }));
    const receipt: ErasureReceipt = { requestId: record.requestId, customerId: record.customerId, erasedAt: new Date(record.erasedAtMs).toISOString(), status: 'in_progress', steps };
    return { receipt, requestedBy: requester, reason };
  }

  private async complete(initial: ErasureProgress): Promise<ErasureReceipt> {
    let progress = initial;
    const { customerId, requestId } = progress.receipt;
    const erasureEventId = `erasure-${requestId}`;
    for (const name of ERASURE_STEPS) {
      if (stepOf(progress, name).status === 'done') continue;
      const done = await this.runStep(name, progress, erasureEventId);
      if (!done) {
        this.logger.info({ requestId, pending: name }, 'erasure in progress; a repeated request completes it');
        return progress.receipt;
      }
      progress = withStep(progress, done);
      await this.erasures.saveProgress(customerId, JSON.stringify(progress), null);
    }
    const completedAtMs = this.clock();
    progress = { ...progress, receipt: { ...progress.receipt, status: 'completed', completedAt: new Date(completedAtMs).toISOString() } };
    await this.erasures.saveProgress(customerId, JSON.stringify(progress), completedAtMs);
    this.logger.info({ requestId }, 'erasure completed');
    return progress.receipt;
  }

  /** Runs one step; the step as done, or null when it cannot finish now (it stays pending). */
  private async runStep(name: ErasureStepName, progress: ErasureProgress, erasureEventId: string): Promise<ErasureStep | null> {
    const { customerId } = progress.receipt;
    switch (name) {
      case 'key_destroyed':
        return { step: name, status: 'done' };
      case 'erasure_event_appended': {
        const [outcome] = await this.log.append([this.erasureEvent(progress.receipt, erasureEventId)]);
        return { step: name, status: 'done', partition: outcome.partition, offset: outcome.offset };
      }
      case 'parked_events_deleted': {
        // Events parked under an identifier later linked to this customer, and the keys they were sealed with.
        const refs = await this.erasures.linkedIdentifiers(customerId);
        await this.keyring.discard(refs.map((ref) => parkingKeySubject(ref.kind, ref.value)));
        return { step: name, status: 'done', count: await this.erasures.deleteParkedEvents(refs) };
      }
      case 'identity_links_deleted':
        return { step: name, status: 'done', count: await this.erasures.deleteIdentityLinks(customerId) };
      case 'event_index_deleted':
        // The erasure event's own row stays: it keeps a retried append a duplicate on Kafka.
        return { step: name, status: 'done', count: await this.erasures.deleteEventIndex(customerId, [erasureEventId]) };
      case 'other_stores_erased': {
        const stores: { store: string; count: number }[] = [];
        for (const eraser of this.otherStores) stores.push({ store: eraser.store, count: await eraser.eraseCustomer(customerId) });
        return { step: name, status: 'done', stores };
      }
      case 'snapshots_rewritten':
        return this.awaitSnapshotRewrite(stepOf(progress, 'erasure_event_appended'));
      case 'audit_recorded':
        return this.recordAudit(progress);
      default:
        return assertNever(name);
    }
  }

  private erasureEvent(receipt: ErasureReceipt, id: string): CustomerEvent<'customer_erased'> {
    const erasedAtMs = Date.parse(receipt.erasedAt);
    return {
      id,
      type: 'customer_erased',
      customerId: receipt.customerId,
      occurredAt: receipt.erasedAt,
      occurredAtMs: erasedAtMs,
      receivedAtMs: this.clock(),
      source: SOURCE,
      data: { requestId: receipt.requestId, receivedAt: receipt.erasedAt },
    };
  }

  /**
   * The owner of the partition — in this process or another — writes a snapshot after applying the erasure event
   * and deletes the older ones (PartitionWorker). Done when no snapshot before the erasure is left and one after it
   * exists.
   */
  private async awaitSnapshotRewrite(appended: ErasureStep): Promise<ErasureStep | null> {
    const { partition, offset } = appended;
    if (partition === undefined || offset === undefined) throw new KairosError('INTERNAL', 'the erasure event has no recorded position');
    const deadline = this.clock() + this.snapshotWaitMs;
    for (;;) {
      const offsets = await this.erasures.snapshotOffsets(partition);
      if (offsets.length > 0 && offsets[0] >= offset) return { step: 'snapshots_rewritten', status: 'done', partition, offset: offsets[offsets.length - 1] };
      if (this.clock() >= deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, this.pollIntervalMs));
    }
  }

  private async recordAudit(progress: ErasureProgress): Promise<ErasureStep | null> {
    const { receipt, requestedBy, reason } = progress;
    try {
      const record = await this.audit.append({
        kind: 'dsr_executed',
        actor: requestedBy ? { type: 'principal', principalId: requestedBy.principalId, role: requestedBy.role } : COMPONENT,
        subject: receipt.customerId,
        output: {
          right: 'erasure',
          requestId: receipt.requestId,
          erasedAt: receipt.erasedAt,
          steps: receipt.steps.filter((s) => s.status === 'done').map((s) => s.step),
        },
        // `erased` is rendered in words by the explainer; the ground is kept as a code (never free text).
        reasons: reason ? ['erased', `erasure_ground:${reason}`] : ['erased'],
        occurredAtMs: Date.parse(receipt.erasedAt),
      });
      return { step: 'audit_recorded', status: 'done', auditRecordId: record.id };
    } catch (error) {
      this.logger.warn({ requestId: receipt.requestId, err: (error as Error).message }, 'audit record of an erasure not written yet');
      return null;
    }
  }
}

function stepOf(progress: ErasureProgress, name: ErasureStepName): ErasureStep {
  return progress.receipt.steps.find((s) => s.step === name) ?? { step: name, status: 'pending' };
}

/** The receipt with `done` in its place; a step added to ERASURE_STEPS after the erasure began is inserted in order. */
function withStep(progress: ErasureProgress, done: ErasureStep): ErasureProgress {
  const others = progress.receipt.steps.filter((s) => s.step !== done.step);
  const steps = [...others, done].sort((a, b) => ERASURE_STEPS.indexOf(a.step) - ERASURE_STEPS.indexOf(b.step));
  return { ...progress, receipt: { ...progress.receipt, steps } };
}

function assertNever(value: never): never {
  throw new Error(`unknown erasure step ${String(value)}`);
}
