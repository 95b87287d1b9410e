import { DEV_API_KEY_PEPPER } from '../api-keys/api-key-hasher';
import { InMemoryApiKeyStore } from '../api-keys/in-memory-api-key-store';
import { resolveAccessSettings } from './access-settings';

const store = new InMemoryApiKeyStore();

describe('access settings', () => {
  it('development mode allows demo keys and falls back to the public development pepper', () => {
    expect(resolveAccessSettings({ apiKeyStore: store, devMode: true, nodeEnv: 'development' })).toEqual({ demoKeysAllowed: true, pepper: DEV_API_KEY_PEPPER });
  });

  it('NODE_ENV=production refuses demo keys even when devMode is set', () => {
    expect(resolveAccessSettings({ apiKeyStore: store, devMode: true, nodeEnv: 'production', pepper: 'a-real-secret-pepper-value' }).demoKeysAllowed).toBe(false);
  });

  it('outside development mode a pepper is required, and the development pepper is refused', () => {
    expect(() => resolveAccessSettings({ apiKeyStore: store, devMode: false, nodeEnv: 'production' })).toThrow(/KAIROS_API_KEY_PEPPER is required/);
    expect(() => resolveAccessSettings({ apiKeyStore: store, devMode: true, nodeEnv: 'production' })).toThrow(/KAIROS_API_KEY_PEPPER is required/);
    expect(() => resolveAccessSettings({ apiKeyStore: store, devMode: false, nodeEnv: 'production', pepper: DEV_API_KEY_PEPPER })).toThrow(/development pepper/);
  });
});
