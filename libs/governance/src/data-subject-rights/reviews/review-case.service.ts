import { randomUUID } from 'node:crypto';
import type { AuditActor, AuditTrail, PersonalDataCipher } from '@kairos/audit';
import { KairosError } from '@kairos/contracts';
import { Logger, createLogger } from '@kairos/observability';
import type { ReviewCaseChange, ReviewCaseRepository, ReviewCaseRow } from '@kairos/persistence';
import type { Clock } from '../../retention/retention-clock';
import { ReviewCaseDetail, ReviewCaseSummary, ReviewTransition, planTransition, summaryOf } from './review-case';
import { OpenReviewRequest, ReviewListQuery, decodeCursor, encodeCursor } from './review-case-requests.schema';

/** Where decisions live (the decisioning area): lets a case be opened only for a decision about that very customer. */
export interface DecisionDirectory {
  /** The customer the decision was made for, or null when there is no such decision. */
  customerOf(decisionId: string): Promise<string | null>;
}

/** A principal acting on a case: pseudonymous id and role, never a name. */
export interface ReviewActor {
  readonly principalId: string;
  readonly role: string;
}

export interface ReviewCaseServiceOptions {
  readonly cases: ReviewCaseRepository;
  readonly audit: AuditTrail;
  /** Seals the person's statement and the reviewer's note with the person's key (crypto-shredding on erasure). */
  readonly cipher: PersonalDataCipher;
  /** Without it any decision id is accepted (tests, or a process without the decisioning area). */
  readonly decisions?: DecisionDirectory;
  readonly clock?: Clock;
  readonly newCaseId?: () => string;
  readonly logger?: Logger;
}

export interface ReviewCasePage {
  readonly items: readonly ReviewCaseSummary[];
  readonly nextCursor: string | null;
}

/**
 * Art. 22(3) GDPR: the right to obtain human intervention on an automated decision, to express one's point of view
 * and to contest the decision. Opening is audited as `review_requested`, the review's outcome as `dsr_executed`;
 * a change whose audit record cannot be written is undone and answered 503.
 */
export class ReviewCaseService {
  private readonly clock: Clock;
  private readonly newCaseId: () => string;
  private readonly logger: Logger;

  constructor(private readonly options: ReviewCaseServiceOptions) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.newCaseId = options.newCaseId ?? randomUUID;
    this.logger = options.logger ?? createLogger({ level: 'silent' });
  }

  async open(customerId: string, request: OpenReviewRequest, by: ReviewActor): Promise<ReviewCaseDetail> {
    if (this.options.decisions && (await this.options.decisions.customerOf(request.decisionId)) !== customerId) {
      // Same answer for "no such decision" and "someone else's decision": ids of other customers are not confirmed.
      throw new KairosError('NOT_FOUND', 'no such decision for this customer', [{ path: 'decisionId', rule: 'not_found', message: 'no such decision for this customer' }]);
    }
    if (await this.options.cases.findUndecided(customerId, request.decisionId)) {
      throw new KairosError('CONFLICT', 'this decision already has a review case that is not decided', [
        { path: 'decisionId', rule: 'review_pending', message: 'a review of this decision is pending' },
      ]);
    }
    const now = this.clock.now();
    const row: ReviewCaseRow = {
      id: this.newCaseId(),
      customerId,
      decisionId: request.decisionId,
      statement: request.statement === undefined ? null : await this.options.cipher.seal(customerId, request.statement),
      status: 'open',
      outcome: null,
      openedBy: by.principalId,
      openedAtMs: now,
      reviewerId: null,
      reviewStartedAtMs: null,
      decidedBy: null,
      decidedAtMs: null,
      decisionNote: null,
      version: 1,
    };
    await this.options.cases.insert(row);
    await this.auditOrUndo(
      { kind: 'review_requested', actor: actorOf(by), subject: customerId, decisionId: row.decisionId, output: { caseId: row.id, hasStatement: row.statement !== null }, occurredAtMs: now },
      () => this.options.cases.remove(row.id),
    );
    return this.detailOf(row);
  }

  /** A page of the queue, oldest first. The caller filters rows by permission; the cursor follows the unfiltered page. */
  async list(query: ReviewListQuery): Promise<ReviewCasePage> {
    const rows = await this.options.cases.page({ status: query.status, limit: query.limit, after: query.cursor === undefined ? undefined : decodeCursor(query.cursor) });
    const last = rows.at(-1);
    return { items: rows.map(summaryOf), nextCursor: rows.length === query.limit && last ? encodeCursor({ openedAtMs: last.openedAtMs, id: last.id }) : null };
  }

  /** One case with its free text opened; `permit` sees the case before anything of it is returned. */
  async get(id: string, permit: (summary: ReviewCaseSummary) => void): Promise<ReviewCaseDetail> {
    const row = await this.existing(id);
    permit(summaryOf(row));
    return this.detailOf(row);
  }

  /** Moves a case along; `permit` checks the acting principal against the case as it is now. */
  async move(id: string, transition: ReviewTransition, by: ReviewActor, permit: (summary: ReviewCaseSummary) => void): Promise<ReviewCaseDetail> {
    const row = await this.existing(id);
    permit(summaryOf(row));
    const now = this.clock.now();
    const change: ReviewCaseChange = planTransition(row, transition, by.principalId, now);
    if (transition.status === 'decided' && transition.note !== undefined) change.decisionNote = await this.options.cipher.seal(row.customerId, transition.note);
    if (!(await this.options.cases.update(id, row.version, change))) {
      throw new KairosError('CONFLICT', 'the case changed meanwhile; read it again', [{ path: 'version', rule: 'stale_version', message: 'the case changed meanwhile' }]);
    }
    const updated: ReviewCaseRow = { ...row, ...change, version: row.version + 1 };
    if (transition.status === 'decided') {
      await this.auditOrUndo(
        {
          kind: 'dsr_executed',
          actor: actorOf(by),
          subject: row.customerId,
          decisionId: row.decisionId,
          output: { right: 'human_review', caseId: id, outcome: transition.outcome },
          occurredAtMs: now,
        },
        async () => void (await this.options.cases.update(id, updated.version, { status: row.status, outcome: null, decidedBy: null, decidedAtMs: null, decisionNote: null })),
      );
    }
    return this.detailOf(updated);
  }

  /** Every case of one customer with its free text opened (the access export). */
  async casesOf(customerId: string): Promise<ReviewCaseDetail[]> {
    return Promise.all((await this.options.cases.forCustomer(customerId)).map((row) => this.detailOf(row)));
  }

  private async existing(id: string): Promise<ReviewCaseRow> {
    const row = await this.options.cases.find(id);
    if (!row) throw new KairosError('NOT_FOUND', 'no such review case');
    return row;
  }

  private async detailOf(row: ReviewCaseRow): Promise<ReviewCaseDetail> {
    const statement = row.statement === null ? null : await this.options.cipher.open(row.customerId, row.statement);
    const decisionNote = row.decisionNote === null ? null : await this.options.cipher.open(row.customerId, row.decisionNote);
    const erased = (row.statement !== null && statement === null) || (row.decisionNote !== null && decisionNote === null);
    return { ...summaryOf(row), statement, decisionNote, personalDataErased: erased };
  }

  private async auditOrUndo(draft: Parameters<AuditTrail['append']>[0], undo: () => Promise<void>): Promise<void> {
    try {
      await this.options.audit.append(draft);
    } catch (error) {
      this.logger.error({ kind: draft.kind, err: (error as Error).name }, 'review case audit record failed; change undone');
      await undo().catch((undoError: Error) => this.logger.error({ err: undoError.name }, 'undoing an unaudited review case change failed'));
      throw new KairosError('AUDIT_UNAVAILABLE', 'the change was not made because its audit record could not be written; retry later', [], 5);
    }
  }
}

function actorOf(by: ReviewActor): AuditActor {
  return { type: 'principal', principalId: by.principalId, role: by.role };
}
