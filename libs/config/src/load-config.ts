import { KAIROS_SETTINGS, KairosConfig, SettingDefinition } from './config-schema';

/** A setting that stops the process. The message is one sentence naming the variable and what is wrong. */
export class ConfigurationError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigurationError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): KairosConfig {
  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(KAIROS_SETTINGS) as [string, SettingDefinition<unknown>][]) {
    const raw = env[setting.env];
    const parsed = setting.schema.safeParse(raw === '' ? undefined : raw);
    if (!parsed.success) {
      const shown = setting.sensitive ? '(hidden)' : JSON.stringify(raw);
      throw new ConfigurationError(setting.env, `${parsed.error.issues[0]?.message ?? 'invalid value'} (got ${shown})`);
    }
    values[key] = parsed.data;
  }
  const config = values as KairosConfig;
  if (config.nodeEnv === 'production' && !config.apiKeyPepper) {
    throw new ConfigurationError('KAIROS_API_KEY_PEPPER', 'is required when NODE_ENV=production');
  }
  if (config.databaseUrl && !config.masterKey) {
    // Processes sharing PostgreSQL must share the key-encryption key, or one could not open what another sealed.
    throw new ConfigurationError('KAIROS_MASTER_KEY', 'is required when DATABASE_URL is set (every process must wrap customer keys with the same key)');
  }
  const jwtSettings = [config.jwtIssuer, config.jwtAudience, config.jwtJwksUrl].filter((v) => v !== undefined).length;
  if (jwtSettings !== 0 && jwtSettings !== 3) {
    const missing = !config.jwtIssuer ? 'KAIROS_JWT_ISSUER' : !config.jwtAudience ? 'KAIROS_JWT_AUDIENCE' : 'KAIROS_JWT_JWKS_URL';
    throw new ConfigurationError(missing, 'is required when any of KAIROS_JWT_ISSUER, KAIROS_JWT_AUDIENCE, KAIROS_JWT_JWKS_URL is set');
  }
  return config;
}

/** The configuration as it may be printed or logged: sensitive values masked. */
export function describeConfig(config: KairosConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, setting] of Object.entries(KAIROS_SETTINGS) as [keyof KairosConfig, SettingDefinition<unknown>][]) {
    const value = config[key];
    out[setting.env] = value === undefined ? '(unset)' : setting.sensitive ? '****' : String(value);
  }
  return out;
}

export function isEmbeddedLog(config: KairosConfig): boolean {
  return config.kafkaBrokers === undefined;
}

export function isEmbeddedStorage(config: KairosConfig): boolean {
  return config.databaseUrl === undefined;
}
