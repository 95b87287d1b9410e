import { createHash } from 'node:crypto';
import { ApiKeyService } from '@kairos/access';
import { ApiKeyRepository } from '@kairos/persistence';
import { STORAGE_DIALECTS, useFreshDatabase } from '@kairos/testing';
import { RuntimeApiKeyStore } from './runtime-api-key-store';

/** Reliability test Z4 on the real key table: no plaintext key at rest; a revoked key fails on the very next use. */
describe.each(STORAGE_DIALECTS)('Z4: API keys at rest on %s', (dialect) => {
  const fresh = useFreshDatabase(dialect);

  it('stores 100 issued keys without any plaintext and refuses a revoked key at once', async () => {
    const database = fresh.dataSource();
    const schema = fresh.schema();
    const service = new ApiKeyService({ store: new RuntimeApiKeyStore(new ApiKeyRepository(database)), pepper: 'z4-test-pepper-0123456789', demoKeysAllowed: false });
    const issued = [];
    for (let i = 0; i < 100; i++) issued.push(await service.issue({ role: i % 2 ? 'channel' : 'dpo', ...(i % 2 ? { channel: 'app' as const } : {}), label: `z4 key ${i}` }));

    const dump = JSON.stringify(await database.query(`SELECT * FROM ${schema ? `"${schema}".` : ''}api_keys`));
    const leaks = issued.filter(({ plaintext }) => {
      const secret = plaintext.replace(/^kairos_/, '');
      return dump.includes(plaintext) || dump.includes(secret) || dump.includes(createHash('sha256').update(plaintext).digest('hex'));
    });
    expect(leaks).toHaveLength(0);

    await expect(service.verify(issued[7].plaintext)).resolves.toEqual(expect.objectContaining({ role: 'channel' }));
    await service.revoke(issued[7].id);
    await expect(service.verify(issued[7].plaintext)).resolves.toBeNull();
    await expect(service.verify(issued[8].plaintext)).resolves.toEqual(expect.objectContaining({ role: 'dpo' }));
  });
});
