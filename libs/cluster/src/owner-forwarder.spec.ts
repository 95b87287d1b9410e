import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@kairos/observability';
import { FORWARDED_HEADER, HttpOwnerForwarder, SERVED_BY_HEADER } from './owner-forwarder';
import type { PartitionDirectory } from './partition-directory';

/**
 * The hop count callers pass is that of the request as it will be sent on: the decision core passes
 * `caller.hops + 1` and the OwnerBound interceptor the same. Before, the forwarder read it as "hops made so far",
 * so every decision for another process's customer was refused with 503 (found by the D4 storm).
 */
describe('HttpOwnerForwarder hop count', () => {
  const seen: (string | undefined)[] = [];
  const owner = http.createServer((req, res) => {
    seen.push(req.headers[FORWARDED_HEADER] as string | undefined);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
  });
  let forwarder: HttpOwnerForwarder;

  beforeAll(async () => {
    await new Promise<void>((resolve) => owner.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(owner.address() as AddressInfo).port}`;
    const directory: PartitionDirectory = {
      processId: 'here',
      partitionCount: 4,
      owns: () => false,
      isServable: () => false,
      awaitServable: async () => false,
      ownerOf: () => ({ processId: 'there', baseUrl, epoch: 1 }),
      handoverOffset: () => -1,
      refresh: async () => undefined,
    };
    forwarder = new HttpOwnerForwarder(directory, createLogger({ level: 'silent' }), 2_000);
  });
  afterAll(() => new Promise((resolve) => owner.close(resolve)));

  it('sends the first hop on, marked as hop 1, and relays the answer', async () => {
    const answer = await forwarder.forward(2, { method: 'POST', path: '/v1/decisions', body: { customerId: 'c-1' }, authorization: 'Bearer k', hops: 1 });
    expect(answer).toMatchObject({ status: 200, body: { ok: true }, headers: { [SERVED_BY_HEADER]: 'there' } });
    expect(seen).toEqual(['1']);
  });

  it('refuses a second hop (the request reached this process forwarded already) without sending it', async () => {
    const before = seen.length;
    await expect(forwarder.forward(2, { method: 'POST', path: '/v1/decisions', authorization: 'Bearer k', hops: 2 })).rejects.toMatchObject({ code: 'NOT_PARTITION_OWNER' });
    await expect(forwarder.forward(2, { method: 'POST', path: '/v1/decisions', authorization: 'Bearer k', hops: 0 })).rejects.toMatchObject({ code: 'NOT_PARTITION_OWNER' });
    expect(seen.length).toBe(before);
  });
});
