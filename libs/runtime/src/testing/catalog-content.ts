import { requestJson } from '@kairos/testing';
import type { KairosRuntime } from '../kairos-runtime';

/**
 * Every content reference of the action catalog gets a real draft, written by the content author, approved by the
 * content reviewer over HTTP, and bound to its reference, so decisions can serve every action (tests only).
 */
export async function approveCatalogContent(runtime: KairosRuntime, baseUrl: string): Promise<void> {
  const refs = new Set<string>();
  for (const action of runtime.decisioning.catalog.actions) {
    const content = action.definition.content;
    if ('ref' in content) refs.add(content.ref);
    for (const variant of action.campaign?.definition.variants ?? []) refs.add(variant.contentRef);
  }
  const call = (path: string, apiKey: string, body: unknown) => requestJson(baseUrl, 'POST', path, { apiKey, body });
  for (const ref of refs) {
    const brief = { title: `Content ${ref}`, goal: 'Tell the customer about the next step', product: 'debit_card', audience: 'Existing customers', channels: ['sms'], tone: 'neutral', language: 'en' };
    const draft = await call('/v1/content-drafts', 'demo-content-author', { brief, drafter: 'template' });
    if (draft.status !== 201) throw new Error(`drafting ${ref} answered ${draft.status}`);
    const draftId = draft.body.draftId as string;
    const submitted = await call(`/v1/content-drafts/${draftId}/submit`, 'demo-content-author', { revision: 1 });
    if (submitted.status !== 200) throw new Error(`submitting ${ref} answered ${submitted.status}`);
    const approved = await call(`/v1/content-drafts/${draftId}/approve`, 'demo-content-reviewer', { contentHash: draft.body.head.contentHash });
    if (approved.status !== 200) throw new Error(`approving ${ref} answered ${approved.status}`);
    runtime.decisioning.contentBindings.bind(ref, draftId);
  }
}
