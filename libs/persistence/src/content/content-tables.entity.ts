import { EntitySchema } from 'typeorm';
import { Dialect, columnTypes, int64Column } from '../dialect';

/**
 * The review queue's row per draft: a projection of the draft's events, kept in the same transaction, so the
 * queue can be filtered without folding every draft and decisions can look up the live revision in one read.
 */
export interface ContentDraftRow {
  draftId: string;
  title: string;
  status: string;
  language: string;
  channels: string;
  product: string;
  campaignId: string | null;
  customerId: string | null;
  authorId: string;
  requesterId: string | null;
  lastEditorId: string;
  headRevision: number;
  headHash: string;
  blockingFindings: number;
  warningFindings: number;
  generatorKind: string;
  modelId: string;
  promptVersion: string;
  liveRevision: number | null;
  liveHash: string | null;
  liveApprovedAtMs: number | null;
  liveValidUntilMs: number | null;
  createdAtMs: number;
  updatedAtMs: number;
  version: number;
}

/** The append-only journal of a draft: every revision and transition with actor, time and reason. */
export interface ContentDraftEventRow {
  draftId: string;
  sequence: number;
  type: string;
  actorId: string;
  atMs: number;
  payload: string;
}

/** Tables of the content area (drafts, their revisions and reviews as events), per dialect. */
export function contentEntities(dialect: Dialect): EntitySchema[] {
  const types = columnTypes(dialect);
  const int64 = int64Column(dialect);
  return [
    new EntitySchema<ContentDraftRow>({
      name: 'ContentDraft',
      tableName: 'content_drafts',
      columns: {
        draftId: { name: 'draft_id', type: 'varchar', length: 64, primary: true },
        title: { type: 'varchar', length: 200 },
        status: { type: 'varchar', length: 24 },
        language: { type: 'varchar', length: 8 },
        channels: { type: 'varchar', length: 100 },
        product: { type: 'varchar', length: 32 },
        campaignId: { name: 'campaign_id', type: 'varchar', length: 128, nullable: true },
        customerId: { name: 'customer_id', type: 'varchar', length: 128, nullable: true },
        authorId: { name: 'author_id', type: 'varchar', length: 128 },
        requesterId: { name: 'requester_id', type: 'varchar', length: 128, nullable: true },
        lastEditorId: { name: 'last_editor_id', type: 'varchar', length: 128 },
        headRevision: { name: 'head_revision', type: 'integer' },
        headHash: { name: 'head_hash', type: 'varchar', length: 80 },
        blockingFindings: { name: 'blocking_findings', type: 'integer' },
        warningFindings: { name: 'warning_findings', type: 'integer' },
        generatorKind: { name: 'generator_kind', type: 'varchar', length: 16 },
        modelId: { name: 'model_id', type: 'varchar', length: 200 },
        promptVersion: { name: 'prompt_version', type: 'varchar', length: 64 },
        liveRevision: { name: 'live_revision', type: 'integer', nullable: true },
        liveHash: { name: 'live_hash', type: 'varchar', length: 80, nullable: true },
        liveApprovedAtMs: { name: 'live_approved_at_ms', ...int64, nullable: true },
        liveValidUntilMs: { name: 'live_valid_until_ms', ...int64, nullable: true },
        createdAtMs: { name: 'created_at_ms', ...int64 },
        updatedAtMs: { name: 'updated_at_ms', ...int64 },
        version: { type: 'integer' },
      },
      indices: [
        { name: 'content_drafts_status_updated', columns: ['status', 'updatedAtMs'] },
        { name: 'content_drafts_customer', columns: ['customerId'] },
      ],
    }),
    new EntitySchema<ContentDraftEventRow>({
      name: 'ContentDraftEvent',
      tableName: 'content_draft_events',
      columns: {
        draftId: { name: 'draft_id', type: 'varchar', length: 64, primary: true },
        sequence: { type: 'integer', primary: true },
        type: { type: 'varchar', length: 32 },
        actorId: { name: 'actor_id', type: 'varchar', length: 128 },
        atMs: { name: 'at_ms', ...int64 },
        payload: { type: types.text },
      },
    }),
  ];
}
