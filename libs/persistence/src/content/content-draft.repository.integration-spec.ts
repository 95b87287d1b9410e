import type { DataSource } from 'typeorm';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { KairosError } from '@kairos/contracts';
import { pendingSchemaChanges } from '../data-source';
import { ContentDraftRepository, type ContentDraftSummary } from './content-draft.repository';

const summary = (draftId: string, overrides: Partial<ContentDraftSummary> = {}): ContentDraftSummary => ({
  draftId,
  title: 'Title',
  status: 'draft',
  language: 'de',
  channels: 'email,sms',
  product: 'debit_card',
  campaignId: null,
  customerId: null,
  authorId: 'author-1',
  requesterId: null,
  lastEditorId: 'author-1',
  headRevision: 1,
  headHash: `sha256:${'a'.repeat(64)}`,
  blockingFindings: 0,
  warningFindings: 0,
  generatorKind: 'template',
  modelId: 'kairos-template-drafter',
  promptVersion: 'templates/1',
  liveRevision: null,
  liveHash: null,
  liveApprovedAtMs: null,
  liveValidUntilMs: null,
  createdAtMs: 1,
  updatedAtMs: 1,
  version: 2,
  ...overrides,
});
const event = (type: string, atMs = 1) => ({ type, actorId: 'author-1', atMs, payload: JSON.stringify({ type, atMs }) });

describe.each(STORAGE_DIALECTS)('content drafts on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let dataSource: DataSource;
  let drafts: ContentDraftRepository;
  beforeAll(() => {
    dataSource = database.dataSource();
    drafts = new ContentDraftRepository(dataSource);
  });

  it('has no drift between the content migration and the entities', async () => {
    await expect(pendingSchemaChanges(dataSource)).resolves.toEqual([]);
  });

  it('stores a draft whole: journal and queue row in one transaction', async () => {
    await drafts.append('cd-1', 0, [event('draft_created'), event('revision_added')], summary('cd-1'));
    await expect(drafts.journal('cd-1')).resolves.toEqual([expect.objectContaining({ sequence: 1, type: 'draft_created' }), expect.objectContaining({ sequence: 2, type: 'revision_added' })]);
    await expect(drafts.summary('cd-1')).resolves.toEqual(summary('cd-1'));
  });

  it('refuses a concurrent append and leaves nothing of it behind', async () => {
    await drafts.append('cd-2', 0, [event('draft_created'), event('revision_added')], summary('cd-2'));
    await drafts.append('cd-2', 2, [event('submitted', 2)], summary('cd-2', { status: 'in_review', version: 3, updatedAtMs: 2 }));
    await expect(drafts.append('cd-2', 2, [event('revision_added', 3)], summary('cd-2', { version: 3, updatedAtMs: 3 }))).rejects.toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    await expect(drafts.append('cd-2', 0, [event('draft_created'), event('revision_added')], summary('cd-2'))).rejects.toThrow(KairosError);
    await expect(drafts.journal('cd-2')).resolves.toHaveLength(3);
    await expect(drafts.summary('cd-2')).resolves.toEqual(expect.objectContaining({ status: 'in_review', version: 3 }));
  });

  it('filters the queue and pages it newest first with a keyset cursor', async () => {
    for (let i = 0; i < 6; i++) {
      await drafts.append(`cq-${i}`, 0, [event('draft_created'), event('revision_added')], summary(`cq-${i}`, { updatedAtMs: 100 + (i % 3), status: i % 2 === 0 ? 'in_review' : 'draft', channels: i < 3 ? 'sms' : 'email,push', blockingFindings: i === 5 ? 2 : 0, campaignId: 'camp-1' }));
    }
    const inReview = await drafts.queue({ statuses: ['in_review'], campaignId: 'camp-1', limit: 10 });
    expect(inReview.map((row) => row.draftId)).toEqual(['cq-2', 'cq-4', 'cq-0']);
    await expect(drafts.queue({ channel: 'push', campaignId: 'camp-1', limit: 10 }).then((rows) => rows.map((row) => row.draftId).sort())).resolves.toEqual(['cq-3', 'cq-4', 'cq-5']);
    await expect(drafts.queue({ hasBlockingFindings: true, limit: 10 }).then((rows) => rows.map((row) => row.draftId))).resolves.toEqual(['cq-5']);
    const first = await drafts.queue({ campaignId: 'camp-1', limit: 4 });
    const last = first[first.length - 1];
    const second = await drafts.queue({ campaignId: 'camp-1', limit: 4, before: { updatedAtMs: last.updatedAtMs, draftId: last.draftId } });
    expect([...first, ...second].map((row) => row.draftId)).toEqual(['cq-5', 'cq-2', 'cq-4', 'cq-1', 'cq-3', 'cq-0']);
  });

  it('finds the drafts generated for one customer (data-subject access)', async () => {
    await drafts.append('cp-1', 0, [event('draft_created'), event('revision_added')], summary('cp-1', { customerId: 'cust-9' }));
    await expect(drafts.draftIdsOfCustomer('cust-9')).resolves.toEqual(['cp-1']);
  });
});
