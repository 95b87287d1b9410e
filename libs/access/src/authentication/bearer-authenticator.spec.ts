import { ApiKeyService } from '../api-keys/api-key.service';
import { InMemoryApiKeyStore } from '../api-keys/in-memory-api-key-store';
import { BearerAuthenticator } from './bearer-authenticator';

describe('BearerAuthenticator', () => {
  const apiKeys = new ApiKeyService({ store: new InMemoryApiKeyStore(), pepper: 'unit-pepper-0123456789', demoKeysAllowed: true });
  const authenticator = new BearerAuthenticator(apiKeys, null);

  beforeAll(async () => {
    await apiKeys.seedDemoKeys();
  });

  it.each([
    [undefined, 'missing-credentials'],
    ['', 'missing-credentials'],
    [['Bearer demo-dpo', 'Bearer demo-admin'], 'malformed-credentials'],
    ['Basic ZGVtbzpkZW1v', 'malformed-credentials'],
    ['Bearer', 'malformed-credentials'],
    ['Bearer ', 'malformed-credentials'],
    ['Bearer demo-dpo extra', 'malformed-credentials'],
    ['Bearer demo-dpo\u0000', 'malformed-credentials'],
    [`Bearer ${'a'.repeat(9_000)}`, 'malformed-credentials'],
    ['Bearer kairos_unknown', 'invalid-credentials'],
    ['Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'invalid-credentials'],
  ])('%j → %s', async (header, failure) => {
    await expect(authenticator.authenticate(header as string | string[] | undefined)).resolves.toEqual(expect.objectContaining({ failure }));
  });

  it('accepts the scheme case-insensitively, as RFC 7235 says', async () => {
    await expect(authenticator.authenticate('bearer demo-dpo')).resolves.toEqual({ principal: expect.objectContaining({ role: 'dpo' }) });
  });
});
