import { KairosError } from '@kairos/contracts';
import { draftFromTemplates, templateGenerator } from '../drafting/template-drafter';
import { contentHash } from '../hashing/content-hash';
import { decide, foldEvents, type ContentDraftCommand, type ContentDraftEvent } from '../review/review-decider';
import { servableRevision } from '../review/servable-revision';
import { fixtureBrief, shippedContentPolicy } from '../testing/content-policy-fixtures';
import { renderForDelivery } from './delivery-renderer';

const policy = shippedContentPolicy();
const brief = fixtureBrief('de', 'credit_card', { channels: ['sms', 'email'] });
const content = draftFromTemplates(brief, policy);

function approved() {
  const commands: ContentDraftCommand[] = [
    { type: 'create_draft', draftId: 'cd-9', authorId: 'a', brief, content, generator: templateGenerator(), aiGenerated: false, promptCanary: null, findings: [], atMs: 1 },
    { type: 'submit', actorId: 'a', revision: 1, findings: [], reason: null, atMs: 2 },
    { type: 'approve', actorId: 'r', actorRole: 'content-reviewer', contentHash: contentHash(content), validUntilMs: 1_000, findings: [], reason: null, atMs: 3 },
  ];
  const events: ContentDraftEvent[] = [];
  for (const command of commands) events.push(...decide(command, foldEvents(events)));
  return servableRevision(foldEvents(events), 10)!;
}

describe('delivery rendering', () => {
  it('fills placeholders only at delivery, from allowlisted names, bounded and stripped', async () => {
    const fields = await renderForDelivery(approved(), 'sms', 'A', { 'customer.firstName': 'Ada\u200B', 'customer.iban': 'DE89370400440532013000' }, policy);
    expect(fields['text']).toMatch(/^Hallo Ada:/);
    expect(fields['text']).not.toContain('DE89');
  });

  it('refuses to send a gap when a placeholder has no value', async () => {
    await expect(renderForDelivery(approved(), 'email', 'A', { 'customer.lastName': 'Lovelace' }, policy)).rejects.toThrow(KairosError);
  });

  it('refuses a variant the approved revision does not have', async () => {
    await expect(renderForDelivery(approved(), 'push', 'A', {}, policy)).rejects.toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
