import type { AuditRecordDraft, AuditTrail } from '@kairos/audit';
import { KairosError } from '@kairos/contracts';
import type { Logger } from '@kairos/observability';
import type { DecisionAuditSettings } from './decision-service-ports';

/**
 * Writes the one `decision_served` record of each decision. In sync mode the caller waits for the commit; in
 * trailing mode it waits only when the uncommitted tail would grow past its bounds (records or age), or while the
 * last trailing write failed: a decision is never served with its audit record further behind than configured,
 * and never while the audit log is known to be failing.
 */
export class DecisionAuditWriter {
  private readonly inFlight = new Map<number, number>();
  private nextTicket = 0;
  private failing = false;

  constructor(
    private readonly trail: AuditTrail,
    private readonly settings: DecisionAuditSettings,
    private readonly clock: () => number = Date.now,
    private readonly logger?: Logger,
  ) {}

  /** Resolves when the decision may be answered; rejects with AUDIT_UNAVAILABLE when it must not be. */
  async record(draft: AuditRecordDraft): Promise<void> {
    const committed = this.append(draft);
    if (this.settings.mode === 'sync' || this.failing || this.tailExceeded()) {
      await committed;
      return;
    }
    // The reply goes ahead; the outcome is still observed, so a failure stops the next replies.
    committed.catch(() => undefined);
  }

  /** Records written but not yet committed (trailing mode). */
  get uncommitted(): number {
    return this.inFlight.size;
  }

  private append(draft: AuditRecordDraft): Promise<void> {
    const ticket = this.nextTicket++;
    this.inFlight.set(ticket, this.clock());
    return this.trail.append(draft).then(
      () => {
        this.inFlight.delete(ticket);
        this.failing = false;
      },
      (error: unknown) => {
        this.inFlight.delete(ticket);
        this.failing = true;
        this.logger?.error({ errorName: (error as Error)?.name, code: (error as KairosError)?.code }, 'decision audit record not written');
        throw new KairosError('AUDIT_UNAVAILABLE', 'the decision could not be audited, so it is not served', [], 1);
      },
    );
  }

  private tailExceeded(): boolean {
    if (this.inFlight.size > this.settings.trailingMaxRecords) return true;
    const oldest = this.inFlight.values().next();
    return !oldest.done && this.clock() - oldest.value > this.settings.trailingMaxMs;
  }
}
