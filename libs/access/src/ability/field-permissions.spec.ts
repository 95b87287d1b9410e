import { KairosError } from '@kairos/contracts';
import { loadPolicyFile } from '../policy/policy-loader';
import { AbilityFactory } from './ability-factory';
import { assertFieldsPermitted, permittedFieldsFor } from './field-permissions';
import { subjectOf } from './subject-instance';

const factory = new AbilityFactory(loadPolicyFile());
const author = factory.abilityFor({ id: 'author-1', role: 'content-author', kind: 'api-key' });
const ownDraft = subjectOf('ContentDraft', { draftId: 'd1', authorId: 'author-1', status: 'draft' });
const othersDraft = subjectOf('ContentDraft', { draftId: 'd2', authorId: 'author-2', status: 'draft' });

describe('field permissions (BOPLA)', () => {
  it('lists the permitted fields from the policy', () => {
    expect(permittedFieldsFor(author, 'update', ownDraft, ['title', 'status', 'approvedBy']).sort()).toEqual(['body', 'brief', 'campaignId', 'channel', 'locale', 'title']);
  });

  it('accepts a body with permitted fields only', () => {
    expect(() => assertFieldsPermitted(author, 'update', ownDraft, { title: 'Hello', body: 'text' })).not.toThrow();
  });

  it('refuses a body with an unpermitted field and names every such field', () => {
    let thrown: unknown;
    try {
      assertFieldsPermitted(author, 'update', ownDraft, { title: 'Hello', status: 'approved', approvedBy: 'author-1' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KairosError);
    expect(thrown).toEqual(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect((thrown as KairosError).issues.map((issue) => issue.path)).toEqual(['status', 'approvedBy']);
  });

  it('refuses every field of another author’s draft', () => {
    expect(() => assertFieldsPermitted(author, 'update', othersDraft, { title: 'Hijack' })).toThrow(KairosError);
  });

  it('an unrestricted rule permits every field', () => {
    const admin = factory.abilityFor({ id: 'admin-1', role: 'admin', kind: 'api-key' });
    expect(() => assertFieldsPermitted(admin, 'update', othersDraft, { title: 'x', status: 'y' })).not.toThrow();
  });
});
