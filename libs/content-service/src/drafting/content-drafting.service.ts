import { randomUUID } from 'node:crypto';
import { KairosError, fromZodIssues } from '@kairos/contracts';
import {
  contentBriefSchema,
  decide,
  initialState,
  personalDataInBrief,
  sanitizeBrief,
  stripInvisibleDeep,
  type ContentBrief,
  type ContentChannel,
  type ContentDrafter,
  type ContentPolicy,
  type DraftContent,
} from '@kairos/content';
import type { ContentCaller } from '../content-caller';
import type { ContentServiceOptions } from '../content-options';
import { transitionAuditRecord } from '../review/content-audit';
import { ContentDraftStore } from '../review/content-draft-store';
import { draftView, type ContentDraftView } from '../review/content-draft-view';
import { findingsFor } from '../review/draft-findings';
import type { CreateDraftRequest } from '../http/content-draft-requests';

/** Consent channels per content channel: an app card is delivered in the app. */
const CONSENT_CHANNEL: Readonly<Record<ContentChannel, string>> = { email: 'email', sms: 'sms', push: 'push', app_card: 'app', call_center: 'call_center' };

/**
 * Turns a brief into a stored draft: validate and sanitize the brief, refuse personal data, check consent for
 * per-customer generation, draft, add the AI label where required, run the guardrails, and store the draft with
 * its first revision in one transaction. A failed draft stores nothing.
 */
export class ContentDraftingService {
  private readonly store: ContentDraftStore;
  private readonly clock: () => number;

  constructor(private readonly options: ContentServiceOptions) {
    this.store = new ContentDraftStore(options.repository);
    this.clock = options.clock ?? Date.now;
  }

  async create(caller: ContentCaller, request: CreateDraftRequest): Promise<ContentDraftView> {
    const atMs = this.clock();
    const brief = this.validBrief(request.brief);
    const policy = this.options.policy;
    await this.checkPersonalization(brief, atMs);
    const result = await this.drafterFor(request.drafter ?? 'auto').draft({ brief, policy, ...(brief.personalization ? { audienceAttributes: brief.personalization.attributes } : {}) });
    const content = result.aiGenerated ? withAiLabel(result.content, policy) : result.content;
    const promptCanary = result.promptCanary ?? null;
    const findings = findingsFor({ brief, content, aiGenerated: result.aiGenerated, promptCanary }, policy);
    const events = decide(
      {
        type: 'create_draft',
        draftId: `cd-${randomUUID()}`,
        authorId: caller.principal.id,
        brief,
        content,
        generator: result.generator,
        aiGenerated: result.aiGenerated,
        promptCanary,
        findings,
        atMs,
      },
      initialState(),
    );
    const state = await this.store.save(initialState(), events);
    const kind = this.options.auditKinds?.drafted;
    if (kind !== undefined) await this.options.audit.append(transitionAuditRecord(kind, state, { principalId: caller.principal.id, role: caller.principal.role }, 'drafted', atMs, null));
    this.options.logger?.info({ draftId: state.draftId, drafter: result.generator.kind, fallback: result.generator.fallbackReason ?? null, findings: findings.length }, 'content drafted');
    const { journal } = await this.store.load(state.draftId);
    return draftView(state, journal, findings, atMs);
  }

  private validBrief(raw: Record<string, unknown>): ContentBrief {
    const parsed = contentBriefSchema.safeParse(stripInvisibleDeep(raw));
    if (!parsed.success) throw new KairosError('VALIDATION_FAILED', 'the brief is invalid', fromZodIssues(parsed.error.issues, ['brief']));
    const brief = sanitizeBrief(parsed.data).brief;
    const personal = personalDataInBrief(brief, this.options.policy);
    if (personal.length > 0) throw new KairosError('VALIDATION_FAILED', 'the brief contains personal data', personal.map((issue) => ({ ...issue, path: `brief.${issue.path}` })));
    return brief;
  }

  /**
   * Per-customer generation needs the customer's ai_personalization consent for the one channel drafted, now, and
   * only attributes the purpose registry allows for that purpose. Fails closed without a consent port.
   */
  private async checkPersonalization(brief: ContentBrief, atMs: number): Promise<void> {
    const personalization = brief.personalization;
    if (personalization === undefined) return;
    if (brief.channels.length !== 1) {
      throw new KairosError('VALIDATION_FAILED', 'a per-customer draft is for exactly one channel', [{ path: 'brief.channels', rule: 'too_big', message: 'exactly one channel' }]);
    }
    const notAllowed = Object.keys(personalization.attributes).filter((attribute) => !this.options.policy.personalizationAttributes.has(attribute));
    if (notAllowed.length > 0) {
      throw new KairosError(
        'PURPOSE_VIOLATION',
        'attributes not allowed for ai_personalization',
        notAllowed.map((attribute) => ({ path: `brief.personalization.attributes.${attribute}`, rule: 'not_allowed_for_purpose', message: 'the purpose registry does not allow this attribute for ai_personalization' })),
      );
    }
    const consented = this.options.consent !== undefined && (await this.options.consent.may(personalization.customerId, 'ai_personalization', CONSENT_CHANNEL[brief.channels[0]], atMs));
    if (!consented) {
      throw new KairosError('PURPOSE_VIOLATION', 'the customer has not consented to AI personalization on this channel', [
        { path: 'brief.personalization.customerId', rule: 'consent_missing', message: 'consent_missing:ai_personalization' },
      ]);
    }
  }

  private drafterFor(choice: NonNullable<CreateDraftRequest['drafter']>): ContentDrafter {
    const drafters = this.options.drafters;
    if (choice === 'template' || (choice === 'auto' && drafters.llm === undefined)) return drafters.template;
    if (drafters.llm === undefined) {
      throw new KairosError('VALIDATION_FAILED', 'no model drafter is configured', [{ path: 'drafter', rule: 'unavailable', message: 'set KAIROS_LLM_BASE_URL or use drafter "template"' }]);
    }
    return choice === 'llm' ? drafters.llm.strict : drafters.llm.withFallback;
  }
}

/**
 * Adds the AI label in code where the policy requires it, so its presence never depends on the model obeying.
 * An editor who removes it later is flagged by the guardrails.
 */
export function withAiLabel(content: DraftContent, policy: ContentPolicy): DraftContent {
  if (!policy.aiLabelRequired) return content;
  const label = policy.aiLabelTexts[content.language][0];
  return {
    ...content,
    variants: content.variants.map((variant) => {
      const field = policy.aiLabelFields[variant.channel];
      if (field === undefined) return variant;
      const record = variant as unknown as Record<string, string>;
      return record[field].includes(label) ? variant : ({ ...variant, [field]: `${record[field]}\n\n${label}` } as typeof variant);
    }),
  };
}

