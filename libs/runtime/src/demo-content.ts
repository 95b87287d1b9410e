/**
 * Development mode: every content reference of the action catalog still without approved content gets a template
 * draft written by the demo content author, approved by the demo content reviewer (four eyes) and bound to its
 * reference — all over the platform's own HTTP API, so each step is validated and audited like a real one. Without
 * it a fresh `npm start` would suppress every action for lack of approved content. Returns the refs it bound.
 */
export async function approveDemoContent(baseUrl: string): Promise<string[]> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the platform's own JSON answers, read by field
  const call = async (method: string, path: string, apiKey: string, body?: unknown): Promise<any> => {
    const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const reply = await fetch(`${baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (reply.status >= 300) throw new Error(`demo content: ${method} ${path} answered ${reply.status}`);
    return reply.json();
  };
  const refs = (await call('GET', '/v1/content-refs', 'demo-content-reviewer')) as { items: { ref: string; servable: unknown }[] };
  const bound: string[] = [];
  for (const { ref } of refs.items.filter((item) => item.servable === null)) {
    const brief = { title: `Demo ${ref}`, goal: 'Tell the customer about the next step', product: 'debit_card', audience: 'Existing customers', channels: ['sms'], tone: 'neutral', language: 'en' };
    const draft = await call('POST', '/v1/content-drafts', 'demo-content-author', { brief, drafter: 'template' });
    await call('POST', `/v1/content-drafts/${draft.draftId}/submit`, 'demo-content-author', { revision: 1 });
    await call('POST', `/v1/content-drafts/${draft.draftId}/approve`, 'demo-content-reviewer', { contentHash: draft.head.contentHash });
    await call('PUT', `/v1/content-refs/${ref}`, 'demo-content-reviewer', { draftId: draft.draftId });
    bound.push(ref);
  }
  return bound;
}
