import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookSender } from './webhook-sender';
import { WebhookTargetRefused, type HostResolver, type ResolvedAddress } from './webhook-target';

/**
 * Reliability P8: 100 webhook URLs that try to reach this machine (loopback in every spelling, private and
 * link-local ranges, mapped IPv6, names resolving inward, credentials, redirects) are all refused before any
 * connection. A trap server listening on every address of the test port proves no socket ever reached it.
 */
const ALLOWED_ADDRESS = '127.0.0.2';

function listen(server: http.Server, port: number, host: string, ipv6Only = false): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, ipv6Only }, () => resolve((server.address() as AddressInfo).port));
  });
}

describe('webhook SSRF guard (P8)', () => {
  const trap = http.createServer((_req, res) => res.end('trapped'));
  const allowed = http.createServer((req, res) => {
    if (req.url?.startsWith('/redirect')) {
      const to = decodeURIComponent(new URL(req.url, 'http://x').searchParams.get('to') ?? '');
      res.writeHead(302, { location: to }).end();
    } else res.writeHead(204).end();
  });
  let trapConnections = 0;
  let allowedConnections = 0;
  let P = 0;
  let Q = 0;
  const resolutions: string[] = [];

  beforeAll(async () => {
    trap.on('connection', () => trapConnections++);
    allowed.on('connection', () => allowedConnections++);
    // '::' without ipv6Only accepts IPv4 too: every loopback, any-address and mapped spelling of port P lands here.
    P = await listen(trap, 0, '::');
    Q = await listen(allowed, 0, ALLOWED_ADDRESS);
  });
  afterAll(async () => {
    await new Promise((r) => trap.close(r));
    await new Promise((r) => allowed.close(r));
  });

  const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });
  const v6 = (address: string): ResolvedAddress => ({ address, family: 6 });
  const DNS: Readonly<Record<string, readonly ResolvedAddress[]>> = {
    'hooks.test': [v4(ALLOWED_ADDRESS)],
    localhost: [v4('127.0.0.1'), v6('::1')],
    'loop.test': [v4('127.0.0.1')],
    'loop6.test': [v6('::1')],
    'mapped.test': [v6('::ffff:127.0.0.1')],
    'meta.test': [v4('169.254.169.254')],
    'zero.test': [v4('0.0.0.0')],
    'private.test': [v4('10.1.2.3')],
    'rebind.test': [v4('93.184.216.34'), v4('127.0.0.1')],
    'rebind6.test': [v6('2606:2800:220:1:248:1893:25c8:1946'), v6('::1')],
    'ula.test': [v6('fd12:3456:789a::1')],
    'nat64.test': [v6('64:ff9b::7f00:1')],
    'sixtofour.test': [v6('2002:7f00:1::1')],
    'empty.test': [],
  };
  const resolve: HostResolver = async (hostname) => {
    resolutions.push(hostname);
    const answer = DNS[hostname];
    if (!answer) throw new Error('NXDOMAIN');
    return answer;
  };

  function attackUrls(): string[] {
    const loopbackHosts = [
      '127.0.0.1', '127.1', '127.0.1', '0x7f.1', '0x7f000001', '2130706433', '017700000001', '0177.0.0.1', '0x7f.0x0.0x0.0x1', '127.255.255.254',
      '127.0.0.1.', '127.1.2.3', '0.0.0.0', '0', '0x0', '00000000', '[::1]', '[0:0:0:0:0:0:0:1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]',
      '[0:0:0:0:0:ffff:127.0.0.1]', '[::127.0.0.1]', '[::]', '[fe80::1]', '[fc00::1]', '[fd00::1]', '[ff02::1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::]',
      '[2001:0:4136:e378:8000:63bf:3fff:fdd2]', '[::ffff:169.254.169.254]', '[::ffff:10.0.0.1]', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1',
      '169.254.169.254', '169.254.0.1', '100.64.0.1', '224.0.0.1', '239.255.255.250', '255.255.255.255', '198.18.0.1', '192.0.0.1', '192.0.2.1',
      'localhost', 'localhost.', 'LOCALHOST', 'LocalHost.', 'loop.test', 'loop6.test', 'mapped.test', 'meta.test', 'zero.test', 'private.test',
      'rebind.test', 'rebind6.test', 'ula.test', 'nat64.test', 'sixtofour.test', 'empty.test', 'nxdomain.test', 'evil.example', 'sub.localhost', 'hooks.test.evil.example',
    ];
    const urls = loopbackHosts.map((host) => `http://${host}:${P}/hook`);
    urls.push(
      `https://127.0.0.1:${P}/hook`,
      `https://localhost:${P}/hook`,
      `http://hooks.test@127.0.0.1:${P}/`,
      `http://hooks.test:${Q}@127.0.0.1:${P}/`,
      `http://user:pass@hooks.test:${Q}/`,
      `http://127.0.0.1:${P}\\@hooks.test:${Q}/`,
      `http://127.0.0.1:${P}#@hooks.test:${Q}/`,
      `http://127.0.0.1:${P}?@hooks.test:${Q}/`,
      `http://hooks.test%40127.0.0.1:${P}/`,
      `http://[::1]:${P}#hooks.test`,
      `http://127.0.0.1%2e:${P}/`,
      `http://%31%32%37.0.0.1:${P}/`,
      `http://０x7f.1:${P}/`,
      `http://127。0。0。1:${P}/`,
      `gopher://127.0.0.1:${P}/_POST`,
      `file:///etc/passwd`,
      `ftp://127.0.0.1:${P}/`,
      `ws://127.0.0.1:${P}/`,
      `data:text/plain,hello`,
      `javascript:alert(1)`,
      `http://:${P}/`,
      `//127.0.0.1:${P}/`,
      `not a url`,
      `http://127.0.0.1:${P}/hook?webhook=hooks.test`,
      `http://0177.1:${P}/`,
      `http://0x7F.00.00.01:${P}/`,
      `http://[::ffff:0:7f00:1]:${P}/`,
      `http://[0000::1]:${P}/`,
    );
    for (const to of [`http://127.0.0.1:${P}/`, `http://[::1]:${P}/`, `http://localhost:${P}/`, `http://169.254.169.254:${P}/latest/meta-data`, `http://0.0.0.0:${P}/`, `http://2130706433:${P}/`, `http://loop.test:${P}/`]) {
      urls.push(`http://hooks.test:${Q}/redirect?to=${encodeURIComponent(to)}`);
    }
    return urls;
  }

  /** Every attack host is on the allowlist (where it parses), so refusals come from the address check, not the list. */
  function sender(urls: readonly string[]): WebhookSender {
    const hosts = new Set<string>(['hooks.test']);
    for (const url of urls) {
      try {
        const hostname = new URL(url).hostname.replace(/^\[(.*)\]$/, (_m, inner: string) => inner).replace(/\.$/, '');
        if (!['evil.example', 'sub.localhost', 'hooks.test.evil.example'].includes(hostname)) hosts.add(hostname);
      } catch {
        // unparseable: nothing to allow
      }
    }
    return new WebhookSender({ secret: 'p8-secret-0123456789', allowedHosts: [...hosts], allowedAddresses: [ALLOWED_ADDRESS], resolve, timeoutMs: 2_000 });
  }

  it('P8: 100 tried, 100 held — no connection reaches the trap', async () => {
    const urls = attackUrls();
    expect(urls).toHaveLength(100);
    const webhook = sender(urls);
    // Control: the allowed receiver is reachable, so "held" below is the guard and not a broken sender.
    await expect(webhook.send({ url: `http://hooks.test:${Q}/ok`, idempotencyKey: 'd-0:a-0', body: '{}' })).resolves.toBeUndefined();
    let held = 0;
    const leaked: string[] = [];
    for (const url of urls) {
      const outcome = await webhook.send({ url, idempotencyKey: 'd-1:a-1', body: '{"x":1}' }).then(
        () => 'sent',
        (error: Error) => error,
      );
      if (outcome === 'sent') leaked.push(url);
      else held++;
    }
    const redirects = urls.filter((url) => url.includes('/redirect'));
    process.stdout.write(`P8: ${urls.length} tried, ${held} held (trap connections: ${trapConnections})\n`);
    expect(leaked).toEqual([]);
    expect(held).toBe(100);
    expect(trapConnections).toBe(0);
    // The redirecting receiver was reached (1 control + the redirect cases), its Location never followed.
    expect(allowedConnections).toBe(1 + redirects.length);
    // The trap does catch what reaches it: the zero above is not a deaf listener.
    await new Promise((done) => http.get(`http://127.0.0.1:${P}/`, (res) => res.resume().on('end', done)));
    expect(trapConnections).toBe(1);
  });

  it('refuses before connecting: the refusal names the rule, and a rebinding resolver is asked once per send', async () => {
    const webhook = sender([`http://rebind.test:${P}/`]);
    resolutions.length = 0;
    await expect(webhook.send({ url: `http://rebind.test:${P}/`, idempotencyKey: 'k', body: '{}' })).rejects.toThrow(WebhookTargetRefused);
    expect(resolutions).toEqual(['rebind.test']);
    await expect(webhook.send({ url: `http://evil.example:${P}/`, idempotencyKey: 'k', body: '{}' })).rejects.toThrow('not on the webhook allowlist');
  });
});
