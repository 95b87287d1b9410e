import { ConfigurationError, describeConfig, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('gives the embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual(expect.objectContaining({ port: 3000, dataDir: './.kairos', partitions: 12, nodeEnv: 'development' }));
    expect(config.kafkaBrokers).toBeUndefined();
    expect(config.databaseUrl).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, /^PORT: /],
    [{ PORT: '70000' }, /^PORT: /],
    [{ KAFKA_BROKERS: 'localhost' }, /^KAFKA_BROKERS: must be a comma-separated list of host:port/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL: must be a postgres:\/\/ URL \(got \(hidden\)\)$/],
    [{ NODE_ENV: 'production' }, /^KAIROS_API_KEY_PEPPER: is required when NODE_ENV=production$/],
    [{ KAIROS_JWT_ISSUER: 'https://id.example.org' }, /^KAIROS_JWT_AUDIENCE: is required when any of/],
    [{ KAIROS_JWT_JWKS_URL: 'not a url' }, /^KAIROS_JWT_JWKS_URL: /],
    [{ DATABASE_URL: 'postgres://db/kairos' }, /^KAIROS_MASTER_KEY: is required when DATABASE_URL is set/],
    [{ KAIROS_MASTER_KEY: 'too-short' }, /^KAIROS_MASTER_KEY: must be 32 bytes in base64 \(44 characters\) \(got \(hidden\)\)$/],
  ])('stops on %p with one sentence naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigurationError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('masks sensitive settings when described', () => {
    const masterKey = Buffer.alloc(32, 7).toString('base64');
    const described = describeConfig(loadConfig({ DATABASE_URL: 'postgres://user:secret@db/kairos', KAIROS_MASTER_KEY: masterKey }));
    expect(described.DATABASE_URL).toBe('****');
    expect(described.KAIROS_MASTER_KEY).toBe('****');
    expect(JSON.stringify(described)).not.toContain('secret');
    expect(JSON.stringify(described)).not.toContain(masterKey);
  });
});
