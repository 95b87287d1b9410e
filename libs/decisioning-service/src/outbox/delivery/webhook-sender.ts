import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { vetWebhookTarget, type VettedTarget, type WebhookTargetPolicy } from './webhook-target';

export interface WebhookSenderOptions extends WebhookTargetPolicy {
  /** HMAC-SHA256 key of the signature header; receivers verify it before trusting the body. */
  readonly secret: string;
  /** One request's budget, ms (default 5000). */
  readonly timeoutMs?: number;
  readonly clock?: () => number;
}

export interface WebhookDelivery {
  readonly url: string;
  readonly idempotencyKey: string;
  readonly body: string;
}

/** Header names of a webhook call. */
export const WEBHOOK_HEADERS = {
  signature: 'kairos-signature',
  idempotencyKey: 'idempotency-key',
  messageId: 'kairos-message-id',
} as const;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<body>">`: the timestamp in the MAC bounds replays. */
export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/**
 * POSTs one message to a vetted webhook target. The socket connects to the address that was vetted (never a
 * fresh DNS answer), redirects are never followed (a 3xx is a failure: the next hop was not vetted), and any
 * non-2xx answer is a failure the dispatcher retries with backoff.
 */
export class WebhookSender {
  constructor(private readonly options: WebhookSenderOptions) {}

  async send(delivery: WebhookDelivery): Promise<void> {
    const target = await vetWebhookTarget(delivery.url, this.options);
    const status = await this.post(target, delivery);
    if (status >= 300 && status < 400) throw new Error(`webhook answered ${status}: redirects are not followed`);
    if (status < 200 || status >= 300) throw new Error(`webhook answered ${status}`);
  }

  private post(target: VettedTarget, delivery: WebhookDelivery): Promise<number> {
    const clock = this.options.clock ?? Date.now;
    const body = Buffer.from(delivery.body);
    const secure = target.url.protocol === 'https:';
    const request = (secure ? https : http).request({
      host: target.address.address,
      family: target.address.family,
      port: target.url.port === '' ? (secure ? 443 : 80) : Number(target.url.port),
      path: `${target.url.pathname}${target.url.search}`,
      method: 'POST',
      // TLS checks the certificate against the host name, not the pinned address.
      ...(secure ? { servername: target.hostname } : {}),
      agent: false,
      timeout: this.options.timeoutMs ?? 5_000,
      headers: {
        host: target.url.host,
        'content-type': 'application/json',
        'content-length': String(body.length),
        [WEBHOOK_HEADERS.idempotencyKey]: delivery.idempotencyKey,
        [WEBHOOK_HEADERS.messageId]: delivery.idempotencyKey,
        [WEBHOOK_HEADERS.signature]: webhookSignature(this.options.secret, Math.floor(clock() / 1000), delivery.body),
      },
    });
    return new Promise<number>((resolve, reject) => {
      request.once('timeout', () => request.destroy(new Error('webhook timed out')));
      request.once('error', reject);
      request.once('response', (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
        response.once('error', reject);
      });
      request.end(body);
    });
  }
}
