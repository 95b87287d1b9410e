import { DEV_API_KEY_PEPPER } from '../api-keys/api-key-hasher';
import type { AccessModuleOptions } from './access-options';

/** What forRoot decides from its options, once, at start. */
export interface ResolvedAccessSettings {
  readonly demoKeysAllowed: boolean;
  readonly pepper: string;
}

export function resolveAccessSettings(options: AccessModuleOptions): ResolvedAccessSettings {
  const production = (options.nodeEnv ?? process.env['NODE_ENV']) === 'production';
  const demoKeysAllowed = options.devMode && !production;
  const pepper = options.pepper ?? (demoKeysAllowed ? DEV_API_KEY_PEPPER : undefined);
  if (pepper === undefined) throw new Error('KAIROS_API_KEY_PEPPER is required outside development mode');
  if (!demoKeysAllowed && pepper === DEV_API_KEY_PEPPER) throw new Error('KAIROS_API_KEY_PEPPER must not be the public development pepper outside development mode');
  return { demoKeysAllowed, pepper };
}
