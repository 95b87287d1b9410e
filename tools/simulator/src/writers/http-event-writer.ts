import { setTimeout as sleep } from 'node:timers/promises';
import { IncomingEvent, partitionForCustomer } from '@kairos/contracts';
import { mixSeed } from '../random/seeded-random';
import { routingKeyOf } from './event-routing-key';

export interface HttpWriterOptions {
  /** e.g. `http://127.0.0.1:3000`; batches go to `<baseUrl>/v1/events`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string;
  readonly batchSize?: number;
  /** Batches in flight at once. Events are spread over this many lanes by customer, so one customer's events stay in order. */
  readonly concurrency?: number;
  /** Attempts per batch (first try included) before giving up. */
  readonly maxAttempts?: number;
  readonly retryBaseDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  readonly requestTimeoutMs?: number;
  /** Called once per acknowledged batch, e.g. to keep a ledger of acknowledged event ids. */
  readonly onAcknowledged?: (acknowledgement: BatchAcknowledgement) => void;
}

export interface RejectedEvent {
  readonly eventId: string;
  readonly issues: readonly { readonly path: string; readonly rule: string; readonly message: string }[];
}

export interface BatchAcknowledgement {
  readonly events: readonly IncomingEvent[];
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: readonly RejectedEvent[];
  readonly attempts: number;
}

export interface HttpWriteReport {
  readonly events: number;
  readonly batches: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** The first rejections with their reasons (at most 1,000). */
  readonly rejections: readonly RejectedEvent[];
  /** Attempts beyond the first, over all batches. */
  readonly retries: number;
  /** Responses by status code, plus `network` for requests that got no response. */
  readonly responses: Readonly<Record<string, number>>;
}

/** A batch could not be delivered: a non-retryable answer (400, 401, 403, ...) or retries exhausted. Nothing after it is sent. */
export class HttpDeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly report: HttpWriteReport,
  ) {
    super(message);
    this.name = 'HttpDeliveryError';
  }
}

type WriterSettings = Required<Omit<HttpWriterOptions, 'onAcknowledged'>> & Pick<HttpWriterOptions, 'onAcknowledged'>;

const DEFAULTS = {
  apiKey: 'demo-channel',
  batchSize: 500,
  concurrency: 4,
  maxAttempts: 10,
  retryBaseDelayMs: 200,
  maxRetryDelayMs: 10_000,
  requestTimeoutMs: 30_000,
};
const MAX_KEPT_REJECTIONS = 1_000;

type Attempt =
  | { readonly kind: 'acknowledged'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'retry'; readonly status: number | null; readonly retryAfterMs: number | null }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'fatal'; readonly status: number };

/**
 * Posts events to `/v1/events` in batches. Anything not acknowledged (network error, timeout, 429, 5xx) is sent
 * again as the very same batch with the same event ids, so the server's dedupe makes every retry safe; a 413
 * splits the batch. Resolves with the counts from the 202 bodies; rejects with `HttpDeliveryError` when a batch
 * meets a non-retryable answer or runs out of attempts.
 */
export async function postEvents(
  events: Iterable<IncomingEvent> | AsyncIterable<IncomingEvent>,
  options: HttpWriterOptions,
): Promise<HttpWriteReport> {
  const settings: WriterSettings = { ...DEFAULTS, ...definedOnly(options), baseUrl: options.baseUrl };
  if (!Number.isInteger(settings.batchSize) || settings.batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  if (!Number.isInteger(settings.concurrency) || settings.concurrency < 1) throw new RangeError('concurrency must be a positive integer');
  const url = `${settings.baseUrl.replace(/\/+$/, '')}/v1/events`;

  const tally = { events: 0, batches: 0, accepted: 0, duplicates: 0, rejected: 0, retries: 0 };
  const rejections: RejectedEvent[] = [];
  const responses: Record<string, number> = {};
  const report = (): HttpWriteReport => ({ ...tally, rejections: [...rejections], responses: { ...responses } });
  let failure: HttpDeliveryError | null = null;
  // An exception from `onAcknowledged` (or a bug) stops the delivery like a failed batch and is rethrown as is.
  let crash: { readonly error: unknown } | null = null;
  const stopped = (): boolean => failure !== null || crash !== null;

  const lanes: Promise<void>[] = Array.from({ length: settings.concurrency }, () => Promise.resolve());
  const buffers: IncomingEvent[][] = Array.from({ length: settings.concurrency }, () => []);
  let inFlight = 0;
  let wakeDispatcher: (() => void) | null = null;

  const deliver = async (batch: readonly IncomingEvent[], batchNumber: number): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      if (stopped()) return;
      const outcome = await attemptOnce(url, settings.apiKey, batch, settings.requestTimeoutMs);
      const statusKey = outcome.kind === 'retry' && outcome.status === null ? 'network' : String('status' in outcome ? outcome.status : 413);
      responses[statusKey] = (responses[statusKey] ?? 0) + 1;
      if (outcome.kind === 'acknowledged') {
        acknowledge(batch, outcome.body, attempt);
        return;
      }
      if (outcome.kind === 'too_large' && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await deliver(batch.slice(0, half), batchNumber);
        await deliver(batch.slice(half), batchNumber);
        return;
      }
      if (outcome.kind === 'fatal' || outcome.kind === 'too_large') {
        const status = outcome.kind === 'fatal' ? outcome.status : 413;
        failure = new HttpDeliveryError(`POST /v1/events answered ${status}; not retryable`, status, report());
        return;
      }
      if (attempt >= settings.maxAttempts) {
        failure = new HttpDeliveryError(`batch not acknowledged after ${attempt} attempts`, outcome.status, report());
        return;
      }
      tally.retries++;
      await sleep(retryDelay(outcome.retryAfterMs, attempt, batchNumber, settings));
    }
  };

  const acknowledge = (batch: readonly IncomingEvent[], body: unknown, attempts: number): void => {
    const parsed = parseAcknowledgement(body, batch);
    if (!parsed) {
      failure = new HttpDeliveryError('202 body is not { accepted, duplicates, rejected }', 202, report());
      return;
    }
    tally.accepted += parsed.accepted;
    tally.duplicates += parsed.duplicates;
    tally.rejected += parsed.rejected.length;
    for (const rejection of parsed.rejected) if (rejections.length < MAX_KEPT_REJECTIONS) rejections.push(rejection);
    settings.onAcknowledged?.({ events: batch, ...parsed, attempts });
  };

  const dispatch = async (lane: number): Promise<void> => {
    const batch = buffers[lane];
    buffers[lane] = [];
    const batchNumber = tally.batches++;
    inFlight++;
    lanes[lane] = lanes[lane]
      .then(() => deliver(batch, batchNumber))
      .catch((error: unknown) => {
        crash ??= { error };
      })
      .finally(() => {
        inFlight--;
        wakeDispatcher?.();
      });
    // Backpressure: at most two batches per lane queued or in flight.
    while (inFlight >= settings.concurrency * 2 && !stopped()) await new Promise<void>((resolve) => (wakeDispatcher = resolve));
  };

  for await (const event of events) {
    if (stopped()) break;
    tally.events++;
    const lane = settings.concurrency === 1 ? 0 : partitionForCustomer(routingKeyOf(event), settings.concurrency);
    buffers[lane].push(event);
    if (buffers[lane].length >= settings.batchSize) await dispatch(lane);
  }
  for (let lane = 0; lane < buffers.length; lane++) if (buffers[lane].length > 0 && !stopped()) await dispatch(lane);
  await Promise.all(lanes);
  const crashed = crash as { readonly error: unknown } | null;
  if (crashed) throw crashed.error;
  // Lanes still running when the failure happened may have acknowledged more since: report the final counts.
  // (The casts undo TypeScript's narrowing: `failure` and `crash` are assigned inside callbacks.)
  const failed = failure as HttpDeliveryError | null;
  if (failed) throw new HttpDeliveryError(failed.message, failed.status, report());
  return report();
}

async function attemptOnce(url: string, apiKey: string, batch: readonly IncomingEvent[], timeoutMs: number): Promise<Attempt> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ events: batch }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    return { kind: 'retry', status: null, retryAfterMs: null };
  }
  let body: unknown = null;
  try {
    const text = await response.text();
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // A torn or non-JSON body: for a 2xx this fails the acknowledgement check, otherwise only the status matters.
    if (response.ok) return { kind: 'retry', status: response.status, retryAfterMs: null };
  }
  if (response.ok) return { kind: 'acknowledged', status: response.status, body };
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    return { kind: 'retry', status: response.status, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) };
  }
  if (response.status === 413) return { kind: 'too_large' };
  return { kind: 'fatal', status: response.status };
}

/** `Retry-After` as delta-seconds or an HTTP date, in ms from now. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** The server's hint when given, else exponential backoff with jitter derived from the batch (no Math.random). */
function retryDelay(retryAfterMs: number | null, attempt: number, batchNumber: number, settings: WriterSettings): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, settings.maxRetryDelayMs);
  const jitter = 0.5 + (mixSeed(batchNumber, attempt) / 4294967296) * 0.5;
  return Math.min(settings.maxRetryDelayMs, settings.retryBaseDelayMs * 2 ** (attempt - 1) * jitter);
}

function parseAcknowledgement(body: unknown, batch: readonly IncomingEvent[]): Omit<BatchAcknowledgement, 'events' | 'attempts'> | null {
  if (typeof body !== 'object' || body === null) return null;
  const { accepted, duplicates, rejected } = body as { accepted?: unknown; duplicates?: unknown; rejected?: unknown };
  if (typeof accepted !== 'number' || typeof duplicates !== 'number') return null;
  const list = rejected === undefined ? [] : rejected;
  if (!Array.isArray(list)) return null;
  const rejections: RejectedEvent[] = [];
  for (const entry of list as { index?: unknown; issues?: unknown }[]) {
    const index = typeof entry?.index === 'number' ? entry.index : -1;
    rejections.push({
      eventId: batch[index]?.id ?? '(unknown)',
      issues: Array.isArray(entry?.issues) ? (entry.issues as RejectedEvent['issues']) : [],
    });
  }
  return { accepted, duplicates, rejected: rejections };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
