import type { AuditRecordKind, AuditTrail } from '@kairos/audit';
import type { AiPersonalizationConsent, ContentDrafter, ContentPolicy } from '@kairos/content';
import type { Logger } from '@kairos/observability';
import type { ContentDraftRepository } from '@kairos/persistence';

/** Transitions of a draft that can be written to the audit trail. */
export type ContentTransition = 'drafted' | 'revised' | 'submitted' | 'approved' | 'changes_requested' | 'rejected' | 'retired';

/** The drafters a content service can use: the offline template drafter always, a model when configured. */
export interface ContentDrafters {
  readonly template: ContentDrafter;
  readonly llm?: {
    /** With template fallback: what `drafter: "auto"` uses. */
    readonly withFallback: ContentDrafter;
    /** Without fallback: `drafter: "llm"` fails with a typed error instead. */
    readonly strict: ContentDrafter;
    readonly modelId: string;
  };
}

export interface ContentServiceOptions {
  readonly repository: ContentDraftRepository;
  readonly policy: ContentPolicy;
  readonly drafters: ContentDrafters;
  readonly audit: AuditTrail;
  /** The ai_personalization consent check for per-customer generation (fails closed when absent). */
  readonly consent?: AiPersonalizationConsent;
  /**
   * Audit kinds per transition. Approvals are always audited as `content_approved`; the other transitions are
   * in the draft's own journal and go to the audit trail once the trail has kinds for them.
   */
  readonly auditKinds?: Partial<Record<Exclude<ContentTransition, 'approved'>, AuditRecordKind>>;
  readonly clock?: () => number;
  readonly logger?: Logger;
}

export const CONTENT_SERVICE_OPTIONS = Symbol('kairos.content.options');
