import { Brackets, DataSource, QueryFailedError, Repository } from 'typeorm';
import { KairosError } from '@kairos/contracts';
import type { ContentDraftEventRow, ContentDraftRow } from './content-tables.entity';

/** One event of a draft's journal; `payload` is the event as JSON. */
export interface StoredContentDraftEvent {
  readonly sequence: number;
  readonly type: string;
  readonly actorId: string;
  readonly atMs: number;
  readonly payload: string;
}

export type NewContentDraftEvent = Omit<StoredContentDraftEvent, 'sequence'>;

/** The queue row of a draft (see ContentDraftRow). */
export type ContentDraftSummary = Readonly<ContentDraftRow>;

/** What one retention pass over the drafts did: counts only. */
export interface AgedDraftsOutcome {
  /** Drafts deleted with their whole journal. */
  readonly deleted: number;
  readonly journalEventsDeleted: number;
  /** Unchanged since before the cutoff but approved at some point: kept with the decisions' audit records. */
  readonly heldBack: number;
}

/** Drafts looked at per round of the retention pass. */
const AGED_CHUNK = 200;

export interface ContentQueueQuery {
  readonly statuses?: readonly string[];
  readonly channel?: string;
  readonly language?: string;
  readonly authorId?: string;
  readonly campaignId?: string;
  readonly customerId?: string;
  readonly hasBlockingFindings?: boolean;
  /** Keyset cursor: rows strictly older than this (updatedAtMs, draftId), newest first. */
  readonly before?: { readonly updatedAtMs: number; readonly draftId: string };
  readonly limit: number;
}

const CONCURRENT = () =>
  new KairosError('CONFLICT', 'the draft changed meanwhile; reload it and try again', [{ path: 'draftId', rule: 'concurrent_update', message: 'another change was saved first' }]);

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driver = (error as QueryFailedError & { driverError?: { code?: string } }).driverError;
  return driver?.code === '23505' || (typeof driver?.code === 'string' && driver.code.startsWith('SQLITE_CONSTRAINT'));
}

/**
 * Content drafts as an event journal plus a queue projection. Appends are optimistic: the caller names the version
 * it decided on, and a concurrent append makes the second one fail with CONFLICT. Events and projection are written
 * in one transaction, so a draft is either stored whole or not at all.
 */
export class ContentDraftRepository {
  private readonly drafts: Repository<ContentDraftRow>;
  private readonly events: Repository<ContentDraftEventRow>;

  constructor(private readonly dataSource: DataSource) {
    this.drafts = dataSource.getRepository<ContentDraftRow>('ContentDraft');
    this.events = dataSource.getRepository<ContentDraftEventRow>('ContentDraftEvent');
  }

  async journal(draftId: string): Promise<StoredContentDraftEvent[]> {
    const rows = await this.events.find({ where: { draftId }, order: { sequence: 'ASC' } });
    return rows.map((row) => ({ sequence: row.sequence, type: row.type, actorId: row.actorId, atMs: row.atMs, payload: row.payload }));
  }

  async summary(draftId: string): Promise<ContentDraftSummary | null> {
    return this.drafts.findOne({ where: { draftId } });
  }

  async append(draftId: string, expectedVersion: number, events: readonly NewContentDraftEvent[], summary: ContentDraftSummary): Promise<void> {
    if (summary.version !== expectedVersion + events.length) throw new KairosError('INTERNAL', 'the projection version must count the appended events');
    try {
      await this.dataSource.transaction(async (manager) => {
        const rows = events.map((event, index) => ({ draftId, sequence: expectedVersion + index + 1, ...event }));
        await manager.getRepository<ContentDraftEventRow>('ContentDraftEvent').insert(rows);
        const drafts = manager.getRepository<ContentDraftRow>('ContentDraft');
        if (expectedVersion === 0) {
          await drafts.insert({ ...summary });
        } else {
          const result = await drafts.update({ draftId, version: expectedVersion }, { ...summary });
          if (result.affected !== 1) throw CONCURRENT();
        }
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw CONCURRENT();
      throw error;
    }
  }

  async queue(query: ContentQueueQuery): Promise<ContentDraftSummary[]> {
    const builder = this.drafts.createQueryBuilder('d');
    if (query.statuses && query.statuses.length > 0) builder.andWhere('d.status IN (:...statuses)', { statuses: [...query.statuses] });
    if (query.channel) builder.andWhere("(',' || d.channels || ',') LIKE :channel", { channel: `%,${query.channel},%` });
    if (query.language) builder.andWhere('d.language = :language', { language: query.language });
    if (query.authorId) builder.andWhere('d.authorId = :authorId', { authorId: query.authorId });
    if (query.campaignId) builder.andWhere('d.campaignId = :campaignId', { campaignId: query.campaignId });
    if (query.customerId) builder.andWhere('d.customerId = :customerId', { customerId: query.customerId });
    if (query.hasBlockingFindings !== undefined) builder.andWhere(query.hasBlockingFindings ? 'd.blockingFindings > 0' : 'd.blockingFindings = 0');
    const before = query.before;
    if (before) {
      builder.andWhere(
        new Brackets((where) => {
          where.where('d.updatedAtMs < :beforeMs', { beforeMs: before.updatedAtMs }).orWhere('(d.updatedAtMs = :beforeMs AND d.draftId < :beforeId)', { beforeId: before.draftId });
        }),
      );
    }
    return builder.orderBy('d.updatedAtMs', 'DESC').addOrderBy('d.draftId', 'DESC').limit(query.limit).getMany();
  }

  /** How many drafts and journal events are stored (for "nothing half-stored" checks and DSR exports). */
  async counts(): Promise<{ drafts: number; events: number }> {
    return { drafts: await this.drafts.count(), events: await this.events.count() };
  }

  /**
   * Retention of drafts (`drafts` in governance/retention.json): deletes, journal and queue row, every draft that was
   * never approved and has not changed since before `cutoffMs` — rejected ones and abandoned ones, whatever open
   * state they were left in (draft, in review, changes requested). Only an approved revision can ever be served, and a
   * decision's audit record names the draft, revision and hash it used, so a draft approved at any time (live,
   * expired, retired, or rejected after a later edit) is kept with those records and counted as held back.
   * Each draft goes in its own transaction, guarded by the version it was selected at: a change saved meanwhile
   * (its append bumps the version) keeps the draft, and an append racing the delete fails with CONFLICT.
   */
  async deleteNeverApprovedUnchangedBefore(cutoffMs: number): Promise<AgedDraftsOutcome> {
    let deleted = 0;
    let journalEventsDeleted = 0;
    let after: { updatedAtMs: number; draftId: string } | null = null;
    for (;;) {
      const query = this.agedDrafts(cutoffMs, 'never_approved').select(['d.draftId', 'd.updatedAtMs', 'd.version']);
      if (after) {
        const from = after;
        query.andWhere(new Brackets((where) => where.where('d.updatedAtMs > :afterMs', { afterMs: from.updatedAtMs }).orWhere('(d.updatedAtMs = :afterMs AND d.draftId > :afterId)', { afterId: from.draftId })));
      }
      const batch = await query.orderBy('d.updatedAtMs', 'ASC').addOrderBy('d.draftId', 'ASC').limit(AGED_CHUNK).getMany();
      for (const draft of batch) {
        const events = await this.deleteDraftAt(draft.draftId, draft.version);
        if (events === null) continue;
        deleted++;
        journalEventsDeleted += events;
      }
      if (batch.length < AGED_CHUNK) break;
      after = batch[batch.length - 1];
    }
    const heldBack = await this.agedDrafts(cutoffMs, 'approved_once').getCount();
    return { deleted, journalEventsDeleted, heldBack };
  }

  /** Drafts `d` unchanged since before the cutoff, split by whether their journal holds an approval. */
  private agedDrafts(cutoffMs: number, approval: 'never_approved' | 'approved_once') {
    const query = this.drafts.createQueryBuilder('d').where('d.updatedAtMs < :cutoffMs', { cutoffMs });
    const approved = query.subQuery().select('1').from('ContentDraftEvent', 'e').where('e.draftId = d.draftId').andWhere("e.type = 'approved'").getQuery();
    return query.andWhere(`${approval === 'never_approved' ? 'NOT ' : ''}EXISTS ${approved}`);
  }

  /** Deletes a draft if it is still at `version`; returns how many journal events went, or null when it changed. */
  private async deleteDraftAt(draftId: string, version: number): Promise<number | null> {
    return this.dataSource.transaction(async (manager) => {
      const row = await manager.getRepository<ContentDraftRow>('ContentDraft').delete({ draftId, version });
      if (row.affected !== 1) return null;
      const events = await manager.getRepository<ContentDraftEventRow>('ContentDraftEvent').delete({ draftId });
      return events.affected ?? 0;
    });
  }

  async draftIdsOfCustomer(customerId: string): Promise<string[]> {
    return (await this.drafts.find({ where: { customerId }, select: { draftId: true }, order: { draftId: 'ASC' } })).map((row) => row.draftId);
  }
}
