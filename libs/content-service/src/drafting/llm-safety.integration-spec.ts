import { useFreshDatabase } from '@kairos/testing';
import { KairosError } from '@kairos/contracts';
import {
  PROMPT_VERSION,
  compileContentPolicy,
  deriveAudienceAttributes,
  hasInvisibleCharacters,
  promptInputSchema,
  type ContentLanguage,
  type ContentPolicyDocument,
} from '@kairos/content';
import { callerOf } from '../testing/content-callers';
import { contentHarness, type ContentHarness } from '../testing/content-harness';
import { FakeOpenAiServer } from '../testing/fake-openai-server';
import { injectionPayloads, type InjectionPayload } from '../testing/injection-payloads';
import { CANARY_PII, answerOf, compliantVariants, promptInputOf, wellBehavedModel } from '../testing/model-answers';

const author = callerOf('content-author', 'author-safety');
const reviewer = callerOf('content-reviewer', 'reviewer-safety');

describe('LLM drafting safety on a real database and the real openai SDK', () => {
  const database = useFreshDatabase('sqlite');
  let fake: FakeOpenAiServer;
  let harness: ContentHarness;
  const egress: string[] = [];
  const consented = new Set<string>();

  beforeAll(async () => {
    fake = await FakeOpenAiServer.start();
    harness = contentHarness(database.dataSource(), {
      llmBaseUrl: fake.baseUrl,
      onEgress: (url) => egress.push(url),
      consent: { may: (customerId, purpose, channel) => purpose === 'ai_personalization' && channel === 'email' && consented.has(customerId) },
      breakerFailureThreshold: 10_000,
    });
  });
  afterAll(() => fake.close());

  it('L1: injection payloads against a model scripted to obey them: none passes the guardrails, none reaches review or a customer', async () => {
    const payloads = injectionPayloads();
    expect(payloads.length).toBeGreaterThanOrEqual(200);
    let current: InjectionPayload | undefined;
    const refused: string[] = [];
    fake.respondWith((request) => {
      const input = promptInputOf(request);
      const canary = /kc-[0-9a-f]{16}/.exec(request.system)?.[0] ?? '';
      const obeyed = current!.goal.obey(compliantVariants(input, harness.policy), { language: input.language as ContentLanguage, canary, policy: harness.policy });
      return { kind: 'answer', content: answerOf(obeyed) };
    });
    const outcome = { refusedAtInput: 0, flaggedByOutput: 0, neutralized: [] as string[], passedUnflagged: [] as string[], injectedInReview: [] as string[], reachedSend: 0 };
    for (const payload of payloads) {
      current = payload;
      const requestsBefore = fake.requests.length;
      let view;
      try {
        view = await harness.services.drafting.create(author, { brief: payload.brief, drafter: 'llm' });
      } catch (error) {
        expect(error).toBeInstanceOf(KairosError);
        expect((error as KairosError).status).toBeLessThan(500);
        expect(fake.requests.length).toBe(requestsBefore);
        outcome.refusedAtInput++;
        refused.push(`${payload.id}: ${(error as KairosError).issues.map((issue) => issue.rule).join(',')}`);
        continue;
      }
      const outputBlocking = view.head.findings.some((finding) => finding.scope === 'content' && finding.severity === 'blocking');
      const neutralized = !outputBlocking && payload.goal.neutralizedIf?.(view.head.content.variants, harness.policy, view.head.content.language) === true;
      if (outputBlocking) outcome.flaggedByOutput++;
      else if (neutralized) outcome.neutralized.push(payload.id);
      else outcome.passedUnflagged.push(payload.id);
      const submitted = await harness.services.review.submit(author, view.draftId, { revision: 1 }).then(
        () => true,
        (error: unknown) => {
          expect(error).toBeInstanceOf(KairosError);
          return false;
        },
      );
      if (submitted && !neutralized) outcome.injectedInReview.push(payload.id);
      // Without a human approval nothing is sendable, whatever the draft holds.
      if (await harness.services.catalog.assertSendable(view.draftId, view.head.contentHash, harness.clock.now()).then(() => true, () => false)) outcome.reachedSend++;
    }
    expect(outcome.passedUnflagged).toEqual([]);
    expect(outcome.injectedInReview).toEqual([]);
    expect(outcome.reachedSend).toBe(0);
    // Every indirect payload is refused by the attribute schema; direct ones only when they carry personal data.
    expect(refused.filter((line) => line.includes('/customer_attribute/'))).toHaveLength(payloads.filter((payload) => payload.encoding === 'customer_attribute').length);
    expect(refused.filter((line) => !line.includes('/customer_attribute/') && !/personal_data|too_big/.test(line))).toEqual([]);
    // The drafter has no tools and talks to nothing but its endpoint; every prompt is the allowlisted input, stripped.
    const origin = new URL(fake.baseUrl).origin;
    expect(egress.every((url) => new URL(url).origin === origin)).toBe(true);
    for (const request of fake.requests) {
      expect(request.body.tools).toBeUndefined();
      expect(promptInputSchema.safeParse(JSON.parse(request.user)).success).toBe(true);
      expect(hasInvisibleCharacters(request.user)).toBe(false);
    }
    const held = outcome.refusedAtInput + outcome.flaggedByOutput + outcome.neutralized.length;
    process.stdout.write(
      `L1: ${payloads.length} tried, ${held} held (${outcome.flaggedByOutput} flagged by output guardrails, ${outcome.neutralized.length} neutralized by construction [${outcome.neutralized.join(', ')}], ${outcome.refusedAtInput} refused at input); 0 with injected content reached review, 0 sendable without approval\n`,
    );
  });

  it('L2: prompts carry no canary personal data and all validate against the allowlist schema', async () => {
    fake.respondWith(wellBehavedModel(harness.policy));
    const start = fake.requests.length;
    consented.add(CANARY_PII.customerId);
    // The profile holds the canaries; only bands derived from it may reach a brief.
    const attributes = deriveAudienceAttributes(
      { birthDate: CANARY_PII.birthDate, registeredAtMs: Date.parse('2019-05-01T00:00:00Z'), products: [{ product: 'credit_card', held: true }], language: 'de' },
      harness.clock.now(),
      harness.policy.personalizationAttributes,
    );
    expect(attributes).toEqual({ ageBand: '55-64', tenureBand: '3-10y', productsHeld: ['credit_card'], preferredLanguage: 'de' });
    let drafted = 0;
    for (let i = 0; i < 40; i++) {
      const personalized = i % 2 === 0;
      await harness.services.drafting.create(author, {
        brief: {
          title: `L2 ${i}`,
          goal: i % 3 === 0 ? 'Remind of the new card' : 'An die neue Karte erinnern',
          product: i % 4 === 0 ? 'installment_loan' : 'credit_card',
          audience: 'Customers who hold a card',
          channels: personalized ? ['email'] : ['email', 'sms', 'push', 'app_card', 'call_center'],
          tone: 'neutral',
          language: i % 3 === 0 ? 'en' : 'de',
          ...(personalized ? { personalization: { customerId: CANARY_PII.customerId, attributes } } : {}),
        },
        drafter: 'llm',
      });
      drafted++;
    }
    const prompts = fake.requests.slice(start);
    expect(prompts).toHaveLength(drafted);
    const canaries = Object.values(CANARY_PII);
    const hits = prompts.flatMap((request) => canaries.filter((canary) => request.raw.includes(canary)));
    expect(hits).toEqual([]);
    expect(prompts.filter((request) => promptInputSchema.safeParse(JSON.parse(request.user)).success)).toHaveLength(drafted);
    expect(prompts.filter((request) => promptInputOf(request).audienceAttributes !== undefined)).toHaveLength(drafted / 2);
    process.stdout.write(`L2: ${drafted} prompts tried, ${drafted} held (0 canary hits, ${drafted} valid against the allowlist)\n`);
  });

  it('L2: a brief with personal data, a customer without consent and an attribute outside the purpose are refused before any prompt', async () => {
    const start = fake.requests.length;
    const base = { title: 'x', goal: 'Remind', product: 'credit_card', audience: 'Card holders', channels: ['email'], tone: 'neutral', language: 'en' };
    await expect(harness.services.drafting.create(author, { brief: { ...base, audience: `People like ${CANARY_PII.email}` }, drafter: 'llm' })).rejects.toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'brief.audience', rule: 'personal_data' })] }),
    );
    await expect(harness.services.drafting.create(author, { brief: { ...base, personalization: { customerId: 'cust-no-consent', attributes: {} } }, drafter: 'llm' })).rejects.toThrow(
      expect.objectContaining({ code: 'PURPOSE_VIOLATION' }),
    );
    const narrowed = structuredClone(harness.policy.document) as ContentPolicyDocument;
    narrowed.personalization.allowedAttributes = ['ageBand'];
    const strict = contentHarness(database.dataSource(), { llmBaseUrl: fake.baseUrl, policy: compileContentPolicy(narrowed), consent: { may: () => true } });
    await expect(strict.services.drafting.create(author, { brief: { ...base, personalization: { customerId: 'cust-1', attributes: { segment: 'retail' } } }, drafter: 'llm' })).rejects.toThrow(
      expect.objectContaining({ code: 'PURPOSE_VIOLATION', issues: [expect.objectContaining({ path: 'brief.personalization.attributes.segment' })] }),
    );
    expect(fake.requests.length).toBe(start);
  });

  it('L5: every approved AI draft is audited with model id, prompt version, draft hash, approver and timestamps', async () => {
    fake.respondWith(wellBehavedModel(harness.policy));
    const approvedHashes: string[] = [];
    for (let i = 0; i < 20; i++) {
      const view = await harness.services.drafting.create(author, {
        brief: { title: `L5 ${i}`, goal: 'Remind', product: 'savings_account', audience: 'Savers', channels: ['email', 'sms'], tone: 'friendly', language: i % 2 === 0 ? 'de' : 'en' },
        drafter: 'llm',
      });
      harness.clock.advance(1_000);
      await harness.services.review.submit(author, view.draftId, { revision: 1 });
      harness.clock.advance(1_000);
      const approved = await harness.services.review.approve(reviewer, view.draftId, { contentHash: view.head.contentHash, reason: 'fits the brief' });
      expect(approved.live?.contentHash).toBe(view.head.contentHash);
      approvedHashes.push(view.head.contentHash);
    }
    const records = harness.audit.records.filter((record) => record.kind === 'content_approved' && approvedHashes.includes(String(record.output?.['contentHash'])));
    expect(records).toHaveLength(20);
    for (const record of records) {
      expect(record.actor).toEqual({ type: 'principal', principalId: reviewer.principal.id, role: 'content-reviewer' });
      expect(record.output).toEqual(
        expect.objectContaining({
          modelId: 'fake-model-2026-11',
          promptVersion: PROMPT_VERSION,
          contentHash: expect.stringMatching(/^sha256:/),
          approverId: reviewer.principal.id,
          authorId: author.principal.id,
          draftedAtMs: expect.any(Number),
          approvedAtMs: expect.any(Number),
          validUntilMs: expect.any(Number),
        }),
      );
      expect(record.logic?.contentVersion).toContain(String(record.output?.['contentHash']));
    }
    process.stdout.write(`L5: 20 tried, ${records.length} held\n`);
  });

  it('an approval whose audit record cannot be written does not take effect', async () => {
    fake.respondWith(wellBehavedModel(harness.policy));
    const view = await harness.services.drafting.create(author, { brief: { title: 'audit down', goal: 'Remind', product: 'depot', audience: 'Investors', channels: ['sms'], tone: 'neutral', language: 'de' }, drafter: 'llm' });
    await harness.services.review.submit(author, view.draftId, { revision: 1 });
    harness.audit.failNext();
    await expect(harness.services.review.approve(reviewer, view.draftId, { contentHash: view.head.contentHash })).rejects.toThrow(expect.objectContaining({ code: 'AUDIT_UNAVAILABLE' }));
    await expect(harness.services.review.get(reviewer, view.draftId)).resolves.toEqual(expect.objectContaining({ status: 'in_review', live: null }));
    await expect(harness.services.catalog.servableRevision(view.draftId, harness.clock.now())).resolves.toBeNull();
  });
});
