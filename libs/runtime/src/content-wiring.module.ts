import { Module } from '@nestjs/common';
import type { ConsentChannel } from '@kairos/contracts';
import type { ContentChannel } from '@kairos/content';
import { ContentModule, createContentDrafters, loadContentPolicyFile, type ContentServiceOptions } from '@kairos/content-service';
import { ContentDraftRepository } from '@kairos/persistence';
import { KairosRuntime } from './kairos-runtime';

/** The consent scope a content channel's message falls under (an app card is shown in the app). */
const CONSENT_CHANNEL_OF: Readonly<Record<ContentChannel, ConsentChannel>> = {
  email: 'email',
  sms: 'sms',
  push: 'push',
  app_card: 'app',
  call_center: 'call_center',
};

/** Content options from the process runtime: its database, LLM settings, the policy file, the audit trail and the consent gate. */
export function contentOptionsFor(runtime: KairosRuntime): ContentServiceOptions {
  const config = runtime.config;
  const logger = runtime.logger.child({ component: 'content' });
  const gate = runtime.governance.consentGate;
  return {
    repository: new ContentDraftRepository(runtime.database),
    policy: loadContentPolicyFile(),
    drafters: createContentDrafters({
      llmModel: config.llmModel,
      llmTimeoutMs: config.llmTimeoutMs,
      ...(config.llmBaseUrl ? { llmBaseUrl: config.llmBaseUrl } : {}),
      ...(config.llmApiKey ? { llmApiKey: config.llmApiKey } : {}),
      logger,
    }),
    // Every transition is audited with who, when and why; approvals as content_approved with their provenance.
    auditKinds: { drafted: 'content_changed', revised: 'content_changed', submitted: 'content_changed', retired: 'content_changed', rejected: 'content_changed', changes_requested: 'content_changed' },
    audit: {
      // Every content transition is audited before it takes effect: the audit stream tells the decision core which
      // draft to read afresh, so a retirement stops serving at once in this process (others: within a second).
      append: async (draft) => {
        const record = await runtime.audit.journal.append(draft);
        const draftId = (draft.output as { draftId?: unknown } | undefined)?.draftId;
        if (typeof draftId === 'string') runtime.decisioning.contentChanged(draftId);
        return record;
      },
    },
    consent: {
      // Unknown channels map to no channel: only a consent covering every channel then allows generation.
      may: async (customerId, purpose, channel, atMs) =>
        (await gate.may(customerId, purpose, CONSENT_CHANNEL_OF[channel as ContentChannel] ?? null, atMs)).allowed,
    },
    logger,
  };
}

/** Content drafting, guardrails and the review queue, bound to this process's runtime. */
@Module({ imports: [ContentModule.forRootAsync({ inject: [KairosRuntime], useFactory: (runtime: KairosRuntime) => contentOptionsFor(runtime) })] })
export class ContentWiringModule {}
