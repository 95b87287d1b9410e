import { createHash } from 'node:crypto';
import { useFreshDatabase } from '@kairos/testing';
import { KairosError } from '@kairos/contracts';
import type { ChannelVariant } from '@kairos/content';
import { callerOf } from '../testing/content-callers';
import { contentHarness, type ContentHarness } from '../testing/content-harness';

const AUTHOR = 'author-z3';
const author = callerOf('content-author', AUTHOR);
const reviewer = callerOf('content-reviewer', 'reviewer-z3');
const secondReviewer = callerOf('content-reviewer', 'reviewer-z3-b');
const DAY = 86_400_000;

const brief = (i: number) => ({ title: `Z3 ${i}`, goal: 'Remind', product: 'debit_card', audience: 'New customers', channels: ['sms', 'push'], tone: 'neutral', language: i % 2 === 0 ? 'de' : 'en' });
const editOf = (variants: readonly ChannelVariant[], tag: string): ChannelVariant[] => variants.map((variant) => (variant.channel === 'sms' ? { ...variant, text: `${variant.text} ${tag}` } : variant));

/** Z3: four eyes, 200 attempts per case, through the services with the shipped CASL policy and a real database. */
describe('Z3: four-eyes attempts against the content services', () => {
  const database = useFreshDatabase('sqlite');
  let harness: ContentHarness;
  const legitSends: { draftId: string; contentHash: string }[] = [];

  beforeAll(() => {
    harness = contentHarness(database.dataSource());
  });

  /** Runs an attempt; true when it succeeded (which no attempt here may). Only refusals by rule count as held. */
  async function succeeded(run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (error) {
      expect(error).toBeInstanceOf(KairosError);
      expect(['FORBIDDEN', 'CONFLICT']).toContain((error as KairosError).code);
      return false;
    }
  }

  async function submitted(i: number) {
    const view = await harness.services.drafting.create(author, { brief: brief(i), drafter: 'template' });
    return harness.services.review.submit(author, view.draftId, { revision: 1 });
  }

  const report = (id: string, tried: number, successes: number) => process.stdout.write(`Z3 ${id}: ${tried} tried, ${tried - successes} held\n`);

  it('author approves own draft: refused by role, by the authorId condition and for admins, 200 of 200', async () => {
    const impostors = [callerOf('content-author', AUTHOR), callerOf('content-reviewer', AUTHOR), callerOf('admin', AUTHOR), { ...callerOf('content-reviewer', AUTHOR), principal: { id: AUTHOR, role: 'content-reviewer' as const, kind: 'jwt' as const } }];
    let tried = 0;
    let successes = 0;
    for (let i = 0; tried < 200; i++) {
      const view = await submitted(i);
      for (const impostor of impostors) {
        tried++;
        if (await succeeded(() => harness.services.review.approve(impostor, view.draftId, { contentHash: view.head.contentHash }))) successes++;
      }
    }
    expect(successes).toBe(0);
    report('author approves own draft', tried, successes);
  });

  it('approve, then edit, then send the edited text: refused, 200 of 200 (the approved text stays the only sendable one)', async () => {
    let tried = 0;
    let successes = 0;
    for (let i = 0; tried < 200; i++) {
      const view = await submitted(i);
      const approved = await harness.services.review.approve(reviewer, view.draftId, { contentHash: view.head.contentHash });
      const edited = await harness.services.review.edit(author, view.draftId, { baseRevision: 1, body: editOf(approved.head.content.variants, `v${i}`), reason: 'after approval' });
      const newHash = edited.head.contentHash;
      const now = () => harness.clock.now();
      const attempts = [
        () => harness.services.catalog.assertSendable(view.draftId, newHash, now()),
        () => harness.services.catalog.render(view.draftId, newHash, 'sms', 'A', { 'customer.firstName': 'Ada' }, now()),
        async () => {
          await harness.services.review.submit(author, view.draftId, { revision: 2 });
          return harness.services.catalog.assertSendable(view.draftId, newHash, now());
        },
        () => harness.services.review.approve(reviewer, view.draftId, { contentHash: view.head.contentHash }).then(() => harness.services.catalog.assertSendable(view.draftId, newHash, now())),
      ];
      for (const attempt of attempts) {
        tried++;
        if (await succeeded(attempt)) successes++;
      }
      await expect(harness.services.catalog.assertSendable(view.draftId, view.head.contentHash, now())).resolves.toEqual(expect.objectContaining({ revision: 1 }));
      legitSends.push({ draftId: view.draftId, contentHash: view.head.contentHash });
    }
    expect(successes).toBe(0);
    report('approve then edit then send', tried, successes);
  });

  it('approver is the last editor: refused, 200 of 200', async () => {
    let tried = 0;
    let successes = 0;
    for (let i = 0; tried < 200; i++) {
      const created = await harness.services.drafting.create(author, { brief: brief(i), drafter: 'template' });
      const edited = await harness.services.review.edit(reviewer, created.draftId, { baseRevision: 1, body: editOf(created.head.content.variants, `r${i}`) });
      const inReview = await harness.services.review.submit(author, created.draftId, { revision: 2 });
      const asJwt = { ...reviewer, principal: { ...reviewer.principal, kind: 'jwt' as const } };
      const attempts = [
        () => harness.services.review.approve(reviewer, created.draftId, { contentHash: inReview.head.contentHash }),
        () => harness.services.review.approve(asJwt, created.draftId, { contentHash: inReview.head.contentHash }),
        () => harness.services.review.approve(reviewer, created.draftId, { contentHash: created.head.contentHash }),
        async () => {
          await harness.services.review.edit(reviewer, created.draftId, { baseRevision: 2, body: editOf(edited.head.content.variants, 'again') });
          const again = await harness.services.review.submit(author, created.draftId, { revision: 3 });
          return harness.services.review.approve(reviewer, created.draftId, { contentHash: again.head.contentHash });
        },
      ];
      for (const attempt of attempts) {
        tried++;
        if (await succeeded(attempt)) successes++;
      }
      // Another reviewer, who edited nothing, may approve.
      const head = await harness.services.review.get(secondReviewer, created.draftId);
      await harness.services.review.approve(secondReviewer, created.draftId, { contentHash: head.head.contentHash });
      legitSends.push({ draftId: created.draftId, contentHash: head.head.contentHash });
    }
    expect(successes).toBe(0);
    report('approver == last editor', tried, successes);
  });

  it('send an unapproved hash: drafts, reviews, rejected, retired, expired, foreign and random hashes, 200 of 200 refused', async () => {
    let tried = 0;
    let successes = 0;
    const catalog = harness.services.catalog;
    for (let i = 0; tried < 200; i++) {
      const draft = await harness.services.drafting.create(author, { brief: brief(i), drafter: 'template' });
      const inReview = await submitted(i + 1_000);
      const approved = await submitted(i + 2_000);
      await harness.services.review.approve(reviewer, approved.draftId, { contentHash: approved.head.contentHash, validUntil: new Date(harness.clock.now() + DAY).toISOString() });
      const retired = await submitted(i + 3_000);
      await harness.services.review.approve(reviewer, retired.draftId, { contentHash: retired.head.contentHash });
      await harness.services.review.retire(reviewer, retired.draftId, { reason: 'withdrawn' });
      const rejected = await submitted(i + 4_000);
      await harness.services.review.reject(reviewer, rejected.draftId, { reason: 'no' });
      const now = harness.clock.now();
      const attempts = [
        () => catalog.assertSendable(draft.draftId, draft.head.contentHash, now),
        () => catalog.assertSendable(inReview.draftId, inReview.head.contentHash, now),
        () => catalog.assertSendable(rejected.draftId, rejected.head.contentHash, now),
        () => catalog.assertSendable(retired.draftId, retired.head.contentHash, now),
        () => catalog.assertSendable(approved.draftId, approved.head.contentHash, now + DAY),
        () => catalog.assertSendable(approved.draftId, approved.head.contentHash, now - 1),
        () => catalog.assertSendable(draft.draftId, approved.head.contentHash, now),
        () => catalog.assertSendable(approved.draftId, `sha256:${createHash('sha256').update(`random-${i}`).digest('hex')}`, now),
      ];
      for (const attempt of attempts) {
        tried++;
        if (await succeeded(attempt)) successes++;
      }
      await expect(catalog.assertSendable(approved.draftId, approved.head.contentHash, now)).resolves.toBeDefined();
      legitSends.push({ draftId: approved.draftId, contentHash: approved.head.contentHash });
    }
    expect(successes).toBe(0);
    report('send an unapproved hash', tried, successes);
  });

  it('every send that did succeed carried an approved hash whose approver was not its author or last editor', () => {
    const approvals = harness.audit.records.filter((record) => record.kind === 'content_approved');
    for (const send of legitSends) {
      const approval = approvals.find((record) => record.output?.['draftId'] === send.draftId && record.output?.['contentHash'] === send.contentHash);
      expect(approval).toBeDefined();
      expect([approval!.output?.['authorId'], approval!.output?.['lastEditorId'], approval!.output?.['requesterId']]).not.toContain(approval!.output?.['approverId']);
    }
    expect(legitSends.length).toBeGreaterThanOrEqual(100);
  });
});
