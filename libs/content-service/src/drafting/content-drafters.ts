import { TemplateDrafter } from '@kairos/content';
import type { Logger } from '@kairos/observability';
import type { ContentDrafters } from '../content-options';
import { CircuitBreaker } from './circuit-breaker';
import { OpenAiCompatibleDrafter, type OpenAiDrafterOptions } from './openai-drafter';
import { ResilientDrafter, type RetryPolicy } from './resilient-drafter';

export interface DrafterSettings {
  /** KAIROS_LLM_BASE_URL; without it only the offline template drafter exists. */
  readonly llmBaseUrl?: string;
  readonly llmModel: string;
  readonly llmApiKey?: string;
  readonly llmTimeoutMs: number;
  readonly stallTimeoutMs?: number;
  readonly maxOutputChars?: number;
  readonly retry?: RetryPolicy;
  readonly breakerFailureThreshold?: number;
  readonly breakerOpenMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onEgress?: OpenAiDrafterOptions['onEgress'];
  readonly logger?: Logger;
}

/** Builds the drafters from configuration; both model drafters share one circuit breaker. */
export function createContentDrafters(settings: DrafterSettings): ContentDrafters {
  const template = new TemplateDrafter();
  if (settings.llmBaseUrl === undefined) return { template };
  const model = new OpenAiCompatibleDrafter({
    baseUrl: settings.llmBaseUrl,
    model: settings.llmModel,
    timeoutMs: settings.llmTimeoutMs,
    ...(settings.llmApiKey === undefined ? {} : { apiKey: settings.llmApiKey }),
    ...(settings.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: settings.stallTimeoutMs }),
    ...(settings.maxOutputChars === undefined ? {} : { maxOutputChars: settings.maxOutputChars }),
    ...(settings.onEgress === undefined ? {} : { onEgress: settings.onEgress }),
  });
  const breaker = new CircuitBreaker({ failureThreshold: settings.breakerFailureThreshold ?? 5, openMs: settings.breakerOpenMs ?? 30_000, ...(settings.now ? { now: settings.now } : {}) });
  const shared = { breaker, ...(settings.retry ? { retry: settings.retry } : {}), ...(settings.sleep ? { sleep: settings.sleep } : {}), ...(settings.logger ? { logger: settings.logger } : {}) };
  return {
    template,
    llm: { withFallback: new ResilientDrafter(model, { ...shared, fallback: template }), strict: new ResilientDrafter(model, shared), modelId: settings.llmModel },
  };
}
