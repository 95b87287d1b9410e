import {
  diffRevisions,
  headRevision,
  servableRevision,
  statusAt,
  type ContentBrief,
  type ContentDraftEvent,
  type ContentDraftState,
  type DraftContent,
  type DraftStatusAt,
  type Finding,
  type GeneratorInfo,
  type RevisionDiff,
} from '@kairos/content';
import type { ContentDraftSummary, StoredContentDraftEvent } from '@kairos/persistence';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The full draft a reviewer sees: the head revision with its findings, the diff, the brief and its provenance. */
export interface ContentDraftView {
  readonly draftId: string;
  readonly title: string;
  readonly status: DraftStatusAt;
  readonly authorId: string;
  readonly requesterId: string | null;
  readonly lastEditorId: string;
  readonly customerId: string | null;
  readonly brief: ContentBrief;
  /** How the first revision was drafted: model or template, model id, prompt version, fallback reason. */
  readonly drafted: GeneratorInfo & { readonly templateBased: boolean; readonly aiGenerated: boolean };
  readonly head: {
    readonly revision: number;
    readonly contentHash: string;
    readonly editorId: string;
    readonly createdAt: string;
    readonly generator: GeneratorInfo;
    readonly content: DraftContent;
    readonly findings: readonly Finding[];
    readonly blocking: boolean;
  };
  readonly live: { readonly revision: number; readonly contentHash: string; readonly approverId: string; readonly approvedAt: string; readonly validUntil: string } | null;
  readonly diff: RevisionDiff | null;
  readonly revisions: readonly { readonly revision: number; readonly contentHash: string; readonly editorId: string; readonly createdAt: string }[];
  readonly history: readonly { readonly sequence: number; readonly type: string; readonly actorId: string; readonly at: string; readonly revision?: number; readonly reason?: string | null }[];
}

export function draftView(state: ContentDraftState, journal: readonly StoredContentDraftEvent[], findings: readonly Finding[], atMs: number, diffFrom?: number): ContentDraftView {
  const head = headRevision(state);
  const drafted = state.revisions[0].generator;
  const live = servableRevision(state, atMs);
  const base = diffFrom === undefined ? state.revisions[head.revision - 2] : state.revisions.find((revision) => revision.revision === diffFrom);
  return {
    draftId: state.draftId,
    title: state.brief!.title,
    status: statusAt(state, atMs),
    authorId: state.authorId,
    requesterId: state.requesterId,
    lastEditorId: head.editorId,
    customerId: state.brief!.personalization?.customerId ?? null,
    brief: state.brief!,
    drafted: { ...drafted, templateBased: drafted.kind === 'template', aiGenerated: state.aiGenerated },
    head: {
      revision: head.revision,
      contentHash: head.contentHash,
      editorId: head.editorId,
      createdAt: iso(head.createdAtMs)!,
      generator: head.generator,
      content: head.content,
      findings,
      blocking: findings.some((finding) => finding.severity === 'blocking'),
    },
    live: live === null ? null : { revision: live.revision, contentHash: live.contentHash, approverId: live.approverId, approvedAt: iso(live.approvedAtMs)!, validUntil: iso(live.validUntilMs)! },
    diff: base === undefined || base.revision === head.revision ? null : diffRevisions(base, head),
    revisions: state.revisions.map((revision) => ({ revision: revision.revision, contentHash: revision.contentHash, editorId: revision.editorId, createdAt: iso(revision.createdAtMs)! })),
    history: journal.map((row) => {
      const event = JSON.parse(row.payload) as ContentDraftEvent;
      return {
        sequence: row.sequence,
        type: row.type,
        actorId: row.actorId,
        at: iso(row.atMs)!,
        ...('revision' in event ? { revision: event.revision } : {}),
        ...('reason' in event ? { reason: event.reason } : {}),
      };
    }),
  };
}

/** One row of the review queue. */
export interface ContentQueueItem {
  readonly draftId: string;
  readonly title: string;
  readonly status: DraftStatusAt;
  readonly language: string;
  readonly channels: readonly string[];
  readonly product: string;
  readonly campaignId: string | null;
  readonly authorId: string;
  readonly requesterId: string | null;
  readonly lastEditorId: string;
  readonly headRevision: number;
  readonly headHash: string;
  readonly blockingFindings: number;
  readonly warningFindings: number;
  readonly drafted: { readonly kind: string; readonly modelId: string; readonly promptVersion: string };
  readonly live: { readonly revision: number; readonly contentHash: string; readonly validUntil: string } | null;
  readonly updatedAt: string;
}

export function queueItem(row: ContentDraftSummary, atMs: number): ContentQueueItem {
  const live = row.liveHash !== null && row.liveValidUntilMs !== null && row.liveValidUntilMs > atMs ? { revision: row.liveRevision!, contentHash: row.liveHash, validUntil: iso(row.liveValidUntilMs)! } : null;
  const status = row.status === 'approved' && row.liveValidUntilMs !== null && row.liveValidUntilMs <= atMs ? 'expired' : (row.status as DraftStatusAt);
  return {
    draftId: row.draftId,
    title: row.title,
    status,
    language: row.language,
    channels: row.channels.split(','),
    product: row.product,
    campaignId: row.campaignId,
    authorId: row.authorId,
    requesterId: row.requesterId,
    lastEditorId: row.lastEditorId,
    headRevision: row.headRevision,
    headHash: row.headHash,
    blockingFindings: row.blockingFindings,
    warningFindings: row.warningFindings,
    drafted: { kind: row.generatorKind, modelId: row.modelId, promptVersion: row.promptVersion },
    live,
    updatedAt: iso(row.updatedAtMs)!,
  };
}
