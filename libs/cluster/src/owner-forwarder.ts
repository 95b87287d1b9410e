import type { Logger } from '@kairos/observability';
import { notPartitionOwner } from './not-partition-owner';
import type { PartitionDirectory } from './partition-directory';

/** The hop header: set on a forwarded request; a request carrying it is never forwarded again. */
export const FORWARDED_HEADER = 'x-kairos-forwarded';
/** Set on a relayed answer: which process served it (diagnostics and tests). */
export const SERVED_BY_HEADER = 'x-kairos-served-by';

export type ForwardableMethod = 'GET' | 'POST' | 'PUT';

/** A request to replay at the owner: same method, path (with query) and body, the caller's own credentials. */
export interface ForwardableRequest {
  readonly method: ForwardableMethod;
  readonly path: string;
  readonly body?: unknown;
  readonly authorization: string;
  /**
   * The hop count the forwarded request will carry: 1 + how often it was forwarded already (from the hop header).
   * Only 1 is sent on; the decision core passes `caller.hops + 1` like the OwnerBound interceptor.
   */
  readonly hops: number;
}

/** An answer relayed from the owner; structurally the `ForwardedAnswer` of @kairos/decisioning-service. */
export interface ForwardedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Headers of the owner's answer the caller sees as well. */
const RELAYED_HEADERS = ['content-type', 'retry-after', 'location', 'etag', 'cache-control', 'last-modified'];

/**
 * Sends a request this process cannot serve to the partition's owner over HTTP and relays the answer (the
 * interactive-query pattern). Implements the `OwnerForwarder` port of @kairos/decisioning-service. Global fetch
 * keeps connections to each owner alive between requests.
 */
export class HttpOwnerForwarder {
  constructor(
    private readonly directory: PartitionDirectory,
    private readonly logger: Logger,
    private readonly timeoutMs = 2_000,
  ) {}

  async forward(partition: number, request: ForwardableRequest): Promise<ForwardedAnswer> {
    // Ownership moved while the request was in flight: the client retries instead of the request bouncing around.
    if (request.hops !== 1) throw notPartitionOwner('the partition owner changed while the request was forwarded; retry');
    if (!request.path.startsWith('/') || request.path.startsWith('//')) throw new Error('forward path must be an absolute path of this API');
    const owner = this.directory.ownerOf(partition);
    if (!owner || owner.processId === this.directory.processId) throw notPartitionOwner('no process serves this customer right now; retry');
    const headers: Record<string, string> = { authorization: request.authorization, [FORWARDED_HEADER]: String(request.hops), accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await fetch(new URL(request.path, owner.baseUrl), {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      // Gone or stalled: re-read the directory so the next request finds the new owner.
      void this.directory.refresh();
      this.logger.warn({ partition, owner: owner.processId, err: (error as Error).name }, 'forwarding to the partition owner failed');
      throw notPartitionOwner('the process serving this customer did not answer; retry');
    }
    const relayed: Record<string, string> = { [SERVED_BY_HEADER]: owner.processId };
    for (const name of RELAYED_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) relayed[name] = value;
    }
    return { status: response.status, headers: relayed, body: parseBody(text, response.headers.get('content-type')) };
  }
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text.length === 0) return undefined;
  if (contentType?.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
