import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { DraftingError } from '@kairos/content';
import { callerOf } from '../testing/content-callers';
import { contentHarness, type ContentHarness } from '../testing/content-harness';
import { FakeOpenAiServer, type FakeReply } from '../testing/fake-openai-server';
import { answerOf, compliantVariants, promptInputOf, wellBehavedModel } from '../testing/model-answers';

const author = callerOf('content-author', 'author-l4');
const brief = {
  title: 'Kartennutzung',
  goal: 'An die erste Nutzung der Debitkarte erinnern',
  product: 'debit_card',
  audience: 'Neukunden ohne Kartenumsatz',
  channels: ['email', 'sms'],
  tone: 'friendly',
  language: 'de',
};

/** L4: every failure mode of the fake endpoint, through the real openai SDK. */
const FAILURES: ReadonlyArray<[string, FakeReply, DraftingError['reason']]> = [
  ['HTTP 500', { kind: 'status', status: 500 }, 'provider_error'],
  ['HTTP 429', { kind: 'status', status: 429 }, 'provider_error'],
  ['HTTP 401 (bad key)', { kind: 'status', status: 401, body: '{"error":{"message":"bad key"}}' }, 'provider_rejected'],
  ['timeout (no answer)', { kind: 'hang' }, 'timeout'],
  ['malformed JSON', { kind: 'answer', content: '{"variants": [{"channel": "email",' }, 'malformed_output'],
  ['JSON not matching the schema', { kind: 'answer', content: '{"variants": [{"channel": "fax", "variantKey": "A"}]}' }, 'malformed_output'],
  ['1 MB output', { kind: 'answer', content: `{"variants": [{"channel": "sms", "variantKey": "A", "text": "${'x'.repeat(1_048_576)}"}]}`, chunkSize: 16_384 }, 'output_too_large'],
  ['slow stream', { kind: 'slow', content: '{"variants": []}', chunkSize: 2, chunkDelayMs: 600 }, 'stalled'],
  ['refusal', { kind: 'refusal', text: 'I cannot help with that.' }, 'refused'],
  ['cut off (finish_reason length)', { kind: 'answer', content: '{"variants": [', finish: 'length' }, 'malformed_output'],
  ['broken SSE chunk', { kind: 'raw_sse', lines: ['data: {not json\n\n'] }, 'malformed_output'],
  ['a tool call', { kind: 'tool_call' }, 'malformed_output'],
];

describe.each(STORAGE_DIALECTS)('L4: model failure modes on %s', (dialect) => {
  const database = useFreshDatabase(dialect);
  let fake: FakeOpenAiServer;
  let harness: ContentHarness;

  beforeAll(async () => {
    fake = await FakeOpenAiServer.start();
    harness = contentHarness(database.dataSource(), { llmBaseUrl: fake.baseUrl, llmTimeoutMs: 700, stallTimeoutMs: 250, maxOutputChars: 64_000, breakerFailureThreshold: 1_000 });
  });
  afterAll(() => fake.close());

  it('drafts through the real SDK with structured output, and stores the draft with its provenance', async () => {
    fake.respondWith(wellBehavedModel(harness.policy));
    const before = fake.requests.length;
    const view = await harness.services.drafting.create(author, { brief, drafter: 'llm' });
    expect(view.drafted).toEqual(expect.objectContaining({ kind: 'llm', modelId: 'fake-model-2026-11', promptVersion: expect.stringMatching(/^content-draft\//), aiGenerated: true, templateBased: false }));
    expect(view.head.blocking).toBe(false);
    const request = fake.requests[before];
    expect(request.body.stream).toBe(true);
    expect(request.body.response_format).toEqual(expect.objectContaining({ type: 'json_schema', json_schema: expect.objectContaining({ strict: true }) }));
    expect(request.body.tools).toBeUndefined();
    expect(request.headers['authorization']).toBe('Bearer unset');
    // The AI label is added in code, whatever the model wrote.
    const email = view.head.content.variants.find((variant) => variant.channel === 'email') as { body: string };
    expect(email.body).toContain('Mit KI-Unterstützung erstellt');
  });

  let tried = 0;
  let held = 0;
  it.each(FAILURES)('%s: a typed error with bounded retries and nothing stored; with fallback a template draft that says why', async (_name, reply, reason) => {
    fake.respondWith(() => reply);
    const counts = await harness.repository.counts();
    const before = fake.requests.length;
    tried++;
    const error = await harness.services.drafting.create(author, { brief, drafter: 'llm' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DraftingError);
    expect((error as DraftingError).reason).toBe(reason);
    const attempts = fake.requests.length - before;
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(3);
    if (reason === 'refused' || reason === 'provider_rejected' || reason === 'output_too_large') expect(attempts).toBe(1);
    await expect(harness.repository.counts()).resolves.toEqual(counts);

    const fallback = await harness.services.drafting.create(author, { brief, drafter: 'auto' });
    expect(fallback.drafted).toEqual(expect.objectContaining({ kind: 'template', templateBased: true, fallbackReason: reason, aiGenerated: false }));
    await expect(harness.repository.counts()).resolves.toEqual({ drafts: counts.drafts + 1, events: counts.events + 2 });
    held++;
  });

  afterAll(() => process.stdout.write(`L4 (${dialect}): ${tried} tried, ${held} held\n`));

  it('a circuit breaker stops calling a failing endpoint, and a probe closes it again', async () => {
    const clock = { now: 0 };
    const breaking = contentHarness(database.dataSource(), { llmBaseUrl: fake.baseUrl, breakerFailureThreshold: 3, breakerOpenMs: 10_000, now: () => clock.now });
    fake.respondWith(() => ({ kind: 'status', status: 503 }));
    const before = fake.requests.length;
    await expect(breaking.services.drafting.create(author, { brief, drafter: 'llm' })).rejects.toThrow(expect.objectContaining({ reason: 'provider_error' }));
    expect(fake.requests.length - before).toBe(3);
    await expect(breaking.services.drafting.create(author, { brief, drafter: 'llm' })).rejects.toThrow(expect.objectContaining({ reason: 'circuit_open' }));
    expect(fake.requests.length - before).toBe(3);
    const fallback = await breaking.services.drafting.create(author, { brief });
    expect(fallback.drafted.fallbackReason).toBe('circuit_open');
    clock.now = 10_001;
    fake.respondWith((request) => ({ kind: 'answer', content: answerOf(compliantVariants(promptInputOf(request), breaking.policy)) }));
    await expect(breaking.services.drafting.create(author, { brief, drafter: 'llm' })).resolves.toEqual(expect.objectContaining({ drafted: expect.objectContaining({ kind: 'llm' }) }));
    expect(fake.requests.length - before).toBe(4);
  });

  it('retries a transient failure and succeeds on the next attempt', async () => {
    let calls = 0;
    fake.respondWith((request) => (++calls === 1 ? { kind: 'status', status: 502 } : { kind: 'answer', content: answerOf(compliantVariants(promptInputOf(request), harness.policy)) }));
    await expect(harness.services.drafting.create(author, { brief, drafter: 'llm' })).resolves.toEqual(expect.objectContaining({ drafted: expect.objectContaining({ kind: 'llm' }) }));
    expect(calls).toBe(2);
  });
});
