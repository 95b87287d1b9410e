import fc from 'fast-check';
import { KairosError } from '@kairos/contracts';
import { draftFromTemplates, templateGenerator } from '../drafting/template-drafter';
import type { DraftContent } from '../draft/draft-content.schema';
import type { Finding } from '../guardrails/finding';
import { contentHash } from '../hashing/content-hash';
import { fixtureBrief, rewrite, shippedContentPolicy } from '../testing/content-policy-fixtures';
import { decide, foldEvents, statusAt, type ContentDraftCommand, type ContentDraftEvent, type ContentDraftState } from './review-decider';
import { diffRevisions } from './revision-diff';
import { servableRevision } from './servable-revision';

const policy = shippedContentPolicy();
const brief = fixtureBrief('de', 'debit_card', { channels: ['email', 'sms'] });
const content = draftFromTemplates(brief, policy);
const edited: DraftContent = rewrite(content, 'sms', (text) => `${text} Jetzt neu.`);
const blocking: Finding = { ruleId: 'claims.risk_free', severity: 'blocking', message: 'x', scope: 'content' };
const DAY = 86_400_000;

/** given(events) → when(command) → then(events | error). */
function given(...commands: ContentDraftCommand[]): { state: ContentDraftState; events: ContentDraftEvent[] } {
  const events: ContentDraftEvent[] = [];
  for (const command of commands) events.push(...decide(command, foldEvents(events)));
  return { state: foldEvents(events), events };
}
const create = (authorId = 'author'): ContentDraftCommand => ({ type: 'create_draft', draftId: 'cd-1', authorId, brief, content, generator: templateGenerator(), aiGenerated: false, promptCanary: null, findings: [], atMs: 1_000 });
const submit = (actorId = 'author', revision = 1, findings: Finding[] = []): ContentDraftCommand => ({ type: 'submit', actorId, revision, findings, reason: null, atMs: 2_000 });
const approve = (actorId = 'reviewer', hash = contentHash(content), findings: Finding[] = [], atMs = 3_000): ContentDraftCommand => ({ type: 'approve', actorId, actorRole: 'content-reviewer', contentHash: hash, validUntilMs: atMs + 30 * DAY, findings, reason: 'ok', atMs });
const edit = (actorId: string, baseRevision: number, next = edited): ContentDraftCommand => ({ type: 'edit', actorId, baseRevision, content: next, findings: [], reason: 'tweak', atMs: 4_000 });
const rule = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof KairosError ? error.issues[0]?.rule : 'not a KairosError';
  }
  return 'accepted';
};

describe('content review decider', () => {
  it('creates a draft with its first revision, hashed', () => {
    const { state, events } = given(create());
    expect(events.map((event) => event.type)).toEqual(['draft_created', 'revision_added']);
    expect(state.status).toBe('draft');
    expect(state.revisions[0].contentHash).toBe(contentHash(content));
  });

  it('walks draft → in_review → approved and serves exactly the approved revision until it expires', () => {
    const { state } = given(create(), submit(), approve());
    expect(state.status).toBe('approved');
    expect(servableRevision(state, 3_000)?.contentHash).toBe(contentHash(content));
    expect(servableRevision(state, 2_999)).toBeNull();
    expect(statusAt(state, 3_000 + 30 * DAY)).toBe('expired');
    expect(servableRevision(state, 3_000 + 30 * DAY)).toBeNull();
  });

  it('an edit after approval is a new revision that needs its own approval; the approved one stays live until then', () => {
    const { state } = given(create(), submit(), approve(), edit('author', 1));
    expect(state.status).toBe('draft');
    expect(state.revisions).toHaveLength(2);
    expect(servableRevision(state, 5_000)?.revision).toBe(1);
    const reapproved = given(create(), submit(), approve(), edit('author', 1), submit('author', 2), approve('reviewer', contentHash(edited), [], 6_000)).state;
    expect(servableRevision(reapproved, 6_000)?.contentHash).toBe(contentHash(edited));
  });

  it('refuses approval of another hash than the one under review', () => {
    const { state } = given(create(), submit());
    expect(rule(() => decide(approve('reviewer', contentHash(edited)), state))).toBe('hash_mismatch');
  });

  it('four eyes: author, requester and last editor cannot approve', () => {
    expect(rule(() => decide(approve('author'), given(create(), submit()).state))).toBe('four_eyes');
    expect(rule(() => decide(approve('requester'), given(create(), submit('requester')).state))).toBe('four_eyes');
    const editedByReviewer = given(create(), edit('reviewer', 1), submit('author', 2)).state;
    expect(rule(() => decide(approve('reviewer', contentHash(edited)), editedByReviewer))).toBe('four_eyes');
    expect(rule(() => decide(approve('other', contentHash(edited)), editedByReviewer))).toBe('accepted');
  });

  it('blocking findings prevent submission and approval', () => {
    expect(rule(() => decide(submit('author', 1, [blocking]), given(create()).state))).toBe('blocking_findings');
    expect(rule(() => decide(approve('reviewer', contentHash(content), [blocking]), given(create(), submit()).state))).toBe('blocking_findings');
  });

  it('rejects stale and empty edits, and transitions from the wrong status', () => {
    const { state } = given(create(), edit('author', 1));
    expect(rule(() => decide(edit('author', 1, content), state))).toBe('stale_revision');
    expect(rule(() => decide(edit('author', 2, edited), state))).toBe('unchanged');
    expect(rule(() => decide(approve(), state))).toBe('invalid_transition');
    expect(rule(() => decide({ type: 'retire', actorId: 'x', reason: 'r', atMs: 5 }, state))).toBe('invalid_transition');
    expect(rule(() => decide(submit(), initialLike()))).toBe('draft_not_found');
  });

  it('reject and retire end the draft: nothing is served afterwards', () => {
    const retired = given(create(), submit(), approve(), { type: 'retire', actorId: 'reviewer', reason: 'campaign over', atMs: 9_000 }).state;
    expect(retired.status).toBe('retired');
    expect(servableRevision(retired, 9_001)).toBeNull();
    const rejected = given(create(), submit(), approve(), edit('author', 1), submit('author', 2), { type: 'reject', actorId: 'reviewer', reason: 'no', atMs: 9_000 }).state;
    expect(servableRevision(rejected, 9_001)).toBeNull();
    expect(rule(() => decide({ type: 'reject', actorId: 'author', reason: 'self', atMs: 1 }, given(create(), submit()).state))).toBe('four_eyes');
  });

  it('Z3 (property): whatever the sequence of commands, every servable hash was approved by someone other than its author, requester and last editor', () => {
    const actors = ['author', 'reviewer-1', 'reviewer-2'];
    const command = fc.oneof(
      fc.record({ type: fc.constant('submit' as const), actor: fc.constantFrom(...actors) }),
      fc.record({ type: fc.constant('approve' as const), actor: fc.constantFrom(...actors), head: fc.boolean() }),
      fc.record({ type: fc.constant('edit' as const), actor: fc.constantFrom(...actors), variant: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ type: fc.constant('reject' as const), actor: fc.constantFrom(...actors) }),
    );
    let tried = 0;
    fc.assert(
      fc.property(fc.array(command, { maxLength: 12 }), (commands) => {
        let events = decide(create(), foldEvents([]));
        const approvals: { hash: string; approver: string; author: string; requester: string | null; editor: string }[] = [];
        commands.forEach((step, index) => {
          const state = foldEvents(events);
          const head = state.revisions[state.revisions.length - 1];
          const atMs = 10_000 + index;
          const attempt: ContentDraftCommand =
            step.type === 'submit'
              ? { type: 'submit', actorId: step.actor, revision: head.revision, findings: [], reason: null, atMs }
              : step.type === 'approve'
                ? { ...approve(step.actor, step.head ? head.contentHash : contentHash(edited), [], atMs) }
                : step.type === 'edit'
                  ? { type: 'edit', actorId: step.actor, baseRevision: head.revision, content: rewrite(content, 'sms', (t) => `${t} v${index}-${step.variant}`), findings: [], reason: null, atMs }
                  : { type: 'reject', actorId: step.actor, reason: 'no', atMs };
          tried++;
          try {
            const next = decide(attempt, state);
            if (attempt.type === 'approve') approvals.push({ hash: head.contentHash, approver: attempt.actorId, author: state.authorId, requester: state.requesterId, editor: head.editorId });
            events = [...events, ...next];
          } catch (error) {
            if (!(error instanceof KairosError)) throw error;
          }
        });
        const final = foldEvents(events);
        const served = servableRevision(final, 10_000 + commands.length);
        if (served !== null) {
          const approval = approvals.filter((a) => a.hash === served.contentHash).pop();
          expect(approval).toBeDefined();
          expect([approval!.author, approval!.requester, approval!.editor]).not.toContain(approval!.approver);
        }
        for (const approval of approvals) expect([approval.author, approval.requester, approval.editor]).not.toContain(approval.approver);
      }),
      { numRuns: 300 },
    );
    expect(tried).toBeGreaterThan(300);
  });

  it('diffs two revisions word by word', () => {
    const diff = diffRevisions({ revision: 1, content }, { revision: 2, content: edited });
    expect(diff.fields).toHaveLength(1);
    expect(diff.fields[0]).toEqual(expect.objectContaining({ channel: 'sms', field: 'text', change: 'changed' }));
    expect(diff.fields[0].operations.filter((op) => op.op === 'insert').map((op) => op.text.trim())).toEqual(['Jetzt neu.']);
  });
});

function initialLike(): ContentDraftState {
  return foldEvents([]);
}
