import { countBySeverity, evolve, foldEvents, headRevision, initialState, type ContentDraftEvent, type ContentDraftState } from '@kairos/content';
import type { ContentDraftRepository, ContentDraftSummary, NewContentDraftEvent, StoredContentDraftEvent } from '@kairos/persistence';

function actorOf(event: ContentDraftEvent): string {
  switch (event.type) {
    case 'draft_created':
      return event.authorId;
    case 'revision_added':
      return event.editorId;
    case 'submitted':
      return event.requesterId;
    case 'approved':
      return event.approverId;
    case 'changes_requested':
    case 'rejected':
      return event.reviewerId;
    case 'retired':
      return event.actorId;
  }
}

/** The queue row for a draft's state; the live columns are empty once nothing of the draft may be served. */
export function summaryOf(state: ContentDraftState): ContentDraftSummary {
  const head = headRevision(state);
  const drafted = state.revisions[0].generator;
  const counts = countBySeverity(head.findings);
  const live = state.approval !== null && state.status !== 'retired' && state.status !== 'rejected' ? state.approval : null;
  const brief = state.brief!;
  return {
    draftId: state.draftId,
    title: brief.title,
    status: state.status,
    language: head.content.language,
    channels: brief.channels.join(','),
    product: brief.product,
    campaignId: brief.campaignId ?? null,
    customerId: brief.personalization?.customerId ?? null,
    authorId: state.authorId,
    requesterId: state.requesterId,
    lastEditorId: head.editorId,
    headRevision: head.revision,
    headHash: head.contentHash,
    blockingFindings: counts.blocking,
    warningFindings: counts.warning,
    generatorKind: drafted.kind,
    modelId: drafted.modelId,
    promptVersion: drafted.promptVersion,
    liveRevision: live?.revision ?? null,
    liveHash: live?.contentHash ?? null,
    liveApprovedAtMs: live?.approvedAtMs ?? null,
    liveValidUntilMs: live?.validUntilMs ?? null,
    createdAtMs: state.createdAtMs,
    updatedAtMs: state.updatedAtMs,
    version: state.version,
  };
}

export interface LoadedDraft {
  readonly state: ContentDraftState;
  readonly journal: readonly StoredContentDraftEvent[];
}

/** Loads drafts by folding their journal and saves decided events with the projection, optimistically. */
export class ContentDraftStore {
  constructor(private readonly repository: ContentDraftRepository) {}

  async load(draftId: string): Promise<LoadedDraft> {
    const journal = await this.repository.journal(draftId);
    return { state: foldEvents(journal.map((row) => JSON.parse(row.payload) as ContentDraftEvent)), journal };
  }

  /** Appends `events` decided on `before`; a concurrent change makes this fail with CONFLICT and store nothing. */
  async save(before: ContentDraftState, events: readonly ContentDraftEvent[]): Promise<ContentDraftState> {
    const after = events.reduce(evolve, before.exists ? before : initialState());
    const rows: NewContentDraftEvent[] = events.map((event) => ({ type: event.type, actorId: actorOf(event), atMs: event.atMs, payload: JSON.stringify(event) }));
    await this.repository.append(after.draftId, before.version, rows, summaryOf(after));
    return after;
  }
}
