import type { ContentBrief } from '../brief/content-brief.schema';
import type { DraftContent } from '../draft/draft-content.schema';
import type { PersonalizationAttributes } from '../personalization/personalization-attributes';
import type { ContentPolicy } from '../policy/content-policy';

/** Who or what wrote a revision; recorded with the draft and in the approval's audit record (L5). */
export interface GeneratorInfo {
  readonly kind: 'template' | 'llm' | 'human';
  /** Model name at the endpoint, or the template set's id. */
  readonly modelId: string;
  readonly promptVersion: string;
  /** Set when the template drafter stood in for a model that failed. */
  readonly fallbackReason?: DraftingFailureReason;
}

export interface DraftRequest {
  readonly brief: ContentBrief;
  readonly policy: ContentPolicy;
  /** Bands and categories of one customer, for per-customer generation (never identifying values). */
  readonly audienceAttributes?: PersonalizationAttributes;
  readonly signal?: AbortSignal;
}

export interface DraftResult {
  readonly content: DraftContent;
  readonly generator: GeneratorInfo;
  readonly aiGenerated: boolean;
  /** The prompt's secret marker, so the guardrails can recognize a leaked prompt. */
  readonly promptCanary?: string;
}

/**
 * The drafting port. A drafter returns complete, schema-valid content or throws DraftingError; it never returns
 * part of a draft. It has no tools: it turns a brief into text and nothing else.
 */
export interface ContentDrafter {
  readonly kind: 'template' | 'llm';
  draft(request: DraftRequest): Promise<DraftResult>;
}

export const DRAFTING_FAILURE_REASONS = [
  'provider_error',
  'provider_rejected',
  'provider_unreachable',
  'timeout',
  'stalled',
  'malformed_output',
  'output_too_large',
  'refused',
  'circuit_open',
] as const;
export type DraftingFailureReason = (typeof DRAFTING_FAILURE_REASONS)[number];

const RETRYABLE: ReadonlySet<DraftingFailureReason> = new Set(['provider_error', 'provider_unreachable', 'timeout', 'stalled', 'malformed_output']);

/** A drafting attempt failed for a named reason. Messages describe the failure, never the brief or the output. */
export class DraftingError extends Error {
  constructor(
    readonly reason: DraftingFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'DraftingError';
  }

  /** Worth another attempt: transient provider trouble or a model answer that may come out right next time. */
  get retryable(): boolean {
    return RETRYABLE.has(this.reason);
  }
}
