import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { forbiddenAddressReason } from './address-policy';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Name resolution; tests inject a resolver to play DNS rebinding without a DNS server. */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));

export interface WebhookTargetPolicy {
  /** Host names (or IP literals) webhooks may go to, lowercase; nothing else is ever contacted. */
  readonly allowedHosts: readonly string[];
  /**
   * Addresses allowed although not public (a test receiver on 127.0.0.2, an internal gateway). Exact matches
   * only: allowing 127.0.0.2 does not allow 127.0.0.1.
   */
  readonly allowedAddresses?: readonly string[];
  readonly resolve?: HostResolver;
}

/** Where one request will connect: the vetted address, pinned so no second resolution can swap it. */
export interface VettedTarget {
  readonly url: URL;
  readonly hostname: string;
  readonly address: ResolvedAddress;
}

export class WebhookTargetRefused extends Error {
  constructor(readonly reason: string) {
    super(`webhook target refused: ${reason}`);
    this.name = 'WebhookTargetRefused';
  }
}

/**
 * Checks a webhook URL before any connection: scheme, no credentials, an allowlisted host, and every address the
 * host resolves to public (or explicitly allowed). The URL parser has already normalised numeric hosts
 * (127.1, 0x7f.1, 2130706433 → 127.0.0.1), so the address check sees what the socket would connect to.
 */
export async function vetWebhookTarget(raw: string, policy: WebhookTargetPolicy): Promise<VettedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookTargetRefused('not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new WebhookTargetRefused(`scheme ${url.protocol} is not http(s)`);
  if (url.username !== '' || url.password !== '') throw new WebhookTargetRefused('credentials in the URL');
  // URL keeps IPv6 literals bracketed; a trailing dot names the same host (localhost. = localhost) and is dropped.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, (_match, inner: string) => inner).replace(/\.$/, '').toLowerCase();
  const allowedHosts = new Set(policy.allowedHosts.map((host) => host.toLowerCase().replace(/\.$/, '')));
  if (!allowedHosts.has(hostname)) throw new WebhookTargetRefused('host is not on the webhook allowlist');
  const allowedAddresses = new Set(policy.allowedAddresses ?? []);
  const addresses: readonly ResolvedAddress[] = isIP(hostname) ? [{ address: hostname, family: isIP(hostname) === 6 ? 6 : 4 }] : await resolveAll(hostname, policy.resolve ?? systemResolver);
  if (addresses.length === 0) throw new WebhookTargetRefused('host resolves to no address');
  for (const { address } of addresses) {
    if (allowedAddresses.has(address)) continue;
    const reason = forbiddenAddressReason(address);
    // One bad address refuses the host: connecting to "the good one" would let a rebinding resolver choose.
    if (reason) throw new WebhookTargetRefused(`host resolves to a ${reason}`);
  }
  return { url, hostname, address: addresses[0]! };
}

async function resolveAll(hostname: string, resolve: HostResolver): Promise<readonly ResolvedAddress[]> {
  try {
    return await resolve(hostname);
  } catch {
    throw new WebhookTargetRefused('host does not resolve');
  }
}
