import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { buildDraftPrompt, DraftingError, parseModelOutput, type ContentDrafter, type DraftingFailureReason, type DraftRequest, type DraftResult } from '@kairos/content';

export interface OpenAiDrafterOptions {
  /** OpenAI-compatible endpoint, e.g. https://api.openai.com/v1 or http://localhost:11434/v1 (KAIROS_LLM_BASE_URL). */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string;
  /** Whole request, first byte to last, in ms (KAIROS_LLM_TIMEOUT_MS). */
  readonly timeoutMs: number;
  /** Longest silence between two streamed chunks before the stream counts as stalled, in ms. */
  readonly stallTimeoutMs?: number;
  /** Largest answer accepted, in characters; a longer one is cut off and refused. */
  readonly maxOutputChars?: number;
  readonly temperature?: number;
  /** Sees every outgoing request URL (tests assert the drafter talks to nothing but its endpoint). */
  readonly onEgress?: (url: string) => void;
}

const DESCRIPTIONS: Record<DraftingFailureReason, string> = {
  provider_error: 'the model endpoint answered with a server error',
  provider_rejected: 'the model endpoint refused the request (check model name and API key)',
  provider_unreachable: 'the model endpoint is unreachable',
  timeout: 'the model did not finish in time',
  stalled: 'the model stream stalled',
  malformed_output: 'the model answer is malformed',
  output_too_large: 'the model answer is larger than allowed',
  refused: 'the model refused to draft this brief',
  circuit_open: 'the model endpoint is failing; drafting is paused',
};

/**
 * Drafts through any OpenAI-compatible chat-completions endpoint with the official SDK, streaming a structured
 * (JSON schema) answer. It has no tools, sends nothing but the allowlisted prompt, talks to no host but its
 * endpoint (redirects refused), and bounds time, silence and size. It returns complete, parsed content or throws
 * DraftingError; retries and the circuit breaker live in ResilientDrafter.
 */
export class OpenAiCompatibleDrafter implements ContentDrafter {
  readonly kind = 'llm' as const;
  private readonly client: OpenAI;
  private readonly stallTimeoutMs: number;
  private readonly maxOutputChars: number;

  constructor(private readonly options: OpenAiDrafterOptions) {
    const origin = new URL(options.baseUrl).origin;
    const pinnedFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      options.onEgress?.(url.href);
      if (url.origin !== origin) return Promise.reject(new Error('egress outside the model endpoint refused'));
      return fetch(input, { ...init, redirect: 'error' });
    };
    this.client = new OpenAI({ baseURL: options.baseUrl, apiKey: options.apiKey ?? 'unset', timeout: options.timeoutMs, maxRetries: 0, fetch: pinnedFetch });
    this.stallTimeoutMs = options.stallTimeoutMs ?? Math.min(10_000, options.timeoutMs);
    this.maxOutputChars = options.maxOutputChars ?? 64_000;
  }

  get modelId(): string {
    return this.options.model;
  }

  async draft(request: DraftRequest): Promise<DraftResult> {
    const prompt = buildDraftPrompt(request.brief, request.policy, request.audienceAttributes);
    const controller = new AbortController();
    let abortedFor: DraftingFailureReason | null = null;
    const abort = (reason: DraftingFailureReason) => {
      if (abortedFor !== null) return;
      abortedFor = reason;
      controller.abort();
    };
    const deadline = setTimeout(() => abort('timeout'), this.options.timeoutMs);
    let idle: NodeJS.Timeout | undefined;
    const touch = () => {
      clearTimeout(idle);
      idle = setTimeout(() => abort('stalled'), this.stallTimeoutMs);
    };
    const onCallerAbort = () => abort('timeout');
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: this.options.model,
          messages: [
            { role: 'system', content: prompt.system },
            { role: 'user', content: prompt.user },
          ],
          response_format: { type: 'json_schema', json_schema: { name: 'content_draft', strict: true, schema: prompt.outputSchema } },
          stream: true,
          n: 1,
          ...(this.options.temperature === undefined ? {} : { temperature: this.options.temperature }),
        },
        { signal: controller.signal, timeout: this.options.timeoutMs, maxRetries: 0 },
      );
      touch();
      let text = '';
      let refusal = '';
      let finish: string | null = null;
      let answeredModel: string | null = null;
      for await (const chunk of stream) {
        touch();
        if (answeredModel === null && typeof chunk.model === 'string' && /^[\w.:/@-]{1,200}$/.test(chunk.model)) answeredModel = chunk.model;
        const choice = chunk.choices?.[0];
        if (choice === undefined) continue;
        if (choice.delta?.tool_calls?.length) throw new DraftingError('malformed_output', 'the model tried to call a tool; the drafter has none');
        if (choice.delta?.refusal) refusal += choice.delta.refusal;
        if (choice.delta?.content) {
          text += choice.delta.content;
          if (text.length > this.maxOutputChars) {
            abort('output_too_large');
            throw new DraftingError('output_too_large', DESCRIPTIONS.output_too_large);
          }
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
      // The SDK ends the iteration quietly when the request is aborted; the abort reason is the answer then.
      if (abortedFor !== null) throw new DraftingError(abortedFor, DESCRIPTIONS[abortedFor]);
      if (refusal !== '' || finish === 'content_filter') throw new DraftingError('refused', DESCRIPTIONS.refused);
      if (finish !== 'stop') throw new DraftingError('malformed_output', finish === null ? 'the model stream ended before the answer was complete' : `the model stopped early (${finish})`);
      const content = parseModelOutput(text, request.brief);
      return { content, generator: { kind: 'llm', modelId: answeredModel ?? this.options.model, promptVersion: prompt.promptVersion }, aiGenerated: true, promptCanary: prompt.canary };
    } catch (error) {
      if (error instanceof DraftingError) throw error;
      if (abortedFor !== null) throw new DraftingError(abortedFor, DESCRIPTIONS[abortedFor]);
      const reason = classify(error);
      throw new DraftingError(reason, DESCRIPTIONS[reason]);
    } finally {
      clearTimeout(deadline);
      clearTimeout(idle);
      request.signal?.removeEventListener('abort', onCallerAbort);
      if (!controller.signal.aborted) controller.abort();
    }
  }
}

function classify(error: unknown): DraftingFailureReason {
  if (error instanceof APIConnectionTimeoutError) return 'timeout';
  if (error instanceof APIUserAbortError) return 'timeout';
  if (error instanceof APIConnectionError) return 'provider_unreachable';
  if (error instanceof APIError) {
    const status = error.status ?? 0;
    return status >= 500 || status === 429 || status === 408 ? 'provider_error' : 'provider_rejected';
  }
  // The SDK throws plain errors for an SSE chunk that is not JSON.
  return 'malformed_output';
}
