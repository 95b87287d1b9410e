import { KairosError } from '@kairos/contracts';
import { createLogger } from '@kairos/observability';
import { openCluster } from './open-cluster';

const logger = createLogger({ level: 'silent' });

describe('owner routing', () => {
  it('embedded mode: every customer is served here and the worker handler is used as it is', async () => {
    const cluster = openCluster({ mode: 'embedded', partitionCount: 12, logger });
    const worker = { onAssigned: async () => new Map<number, number>(), onRevoked: async () => undefined, onRecords: async () => undefined };
    expect(cluster.handlerFor(worker)).toBe(worker);
    for (const customerId of ['c-1', 'c-2', 'c-3']) {
      await expect(cluster.routing.resolve(customerId, { method: 'GET', path: '/v1/x', authorization: 'Bearer k', hops: 1 })).resolves.toBe('local');
    }
    expect(cluster.directory.isServable(cluster.routing.partitionOf('c-1'))).toBe(true);
  });

  it('never forwards a request that was forwarded already, and never to a path outside this API', async () => {
    const cluster = openCluster({ mode: 'embedded', partitionCount: 12, logger });
    // The hop count is that of the request as it would be sent on: 2 = it reached this process forwarded already.
    const refused = cluster.forwarder.forward(0, { method: 'GET', path: '/v1/x', authorization: 'Bearer k', hops: 2 });
    await expect(refused).rejects.toThrow(KairosError);
    await expect(refused).rejects.toMatchObject({ code: 'NOT_PARTITION_OWNER', status: 503, retryAfterSeconds: 1 });
    await expect(cluster.forwarder.forward(0, { method: 'GET', path: '//evil.example/x', authorization: 'Bearer k', hops: 1 })).rejects.toThrow('absolute path');
    // The embedded process is the owner of everything: forwarding to itself is refused, not looped.
    await expect(cluster.forwarder.forward(0, { method: 'GET', path: '/v1/x', authorization: 'Bearer k', hops: 1 })).rejects.toMatchObject({ code: 'NOT_PARTITION_OWNER' });
  });

  it('the distributed mode needs the directory tables', () => {
    expect(() => openCluster({ mode: 'distributed', partitionCount: 12, logger })).toThrow('repository');
  });
});
