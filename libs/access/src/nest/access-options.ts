import type { ApiKeyStore } from '../api-keys/api-key-store';
import type { JwtVerifierOptions } from '../jwt/jwt-verifier';
import type { Principal } from '../principal/access-vocabulary';
import type { ValidatedPolicy } from '../policy/policy-loader';

export type DenialReason =
  | 'missing-credentials'
  | 'malformed-credentials'
  | 'invalid-credentials'
  | 'no-permission-declared'
  | 'not-permitted'
  | 'unsupported-context';

export interface DeniedRoute {
  readonly method: string;
  /** The route template (`/v1/events/:id/trace`), not the requested URL, so no identifiers end up in audit. */
  readonly path: string;
}

export type DenialSink = (principal: Principal | null, route: DeniedRoute, reason: DenialReason) => void;

export interface AccessModuleOptions {
  readonly apiKeyStore: ApiKeyStore;
  /** Development mode: demo keys `demo-<role>` are seeded and accepted (never when NODE_ENV=production). */
  readonly devMode: boolean;
  /** HMAC pepper for API keys at rest (KAIROS_API_KEY_PEPPER). Required outside development mode. */
  readonly pepper?: string;
  /** Defaults to process.env.NODE_ENV, read once at start. */
  readonly nodeEnv?: string;
  /** A validated policy, or the path of a policy file; default `governance/policies/roles.json` under the cwd. */
  readonly policy?: ValidatedPolicy | string;
  /** Enables `Authorization: Bearer <JWT>` for humans via OIDC. */
  readonly jwt?: JwtVerifierOptions;
  /** Called synchronously for every denial, e.g. to append to the audit log; its errors never change the answer. */
  readonly onDenied?: DenialSink;
  /**
   * See ApiKeyServiceOptions.positiveCacheTtlMs; default `DEFAULT_API_KEY_CACHE_TTL_MS`. 0: every request reads the
   * store (and a revoke by another process takes effect at once).
   */
  readonly apiKeyCacheTtlMs?: number;
  /** Seed the demo keys at start when they are allowed; default true. */
  readonly seedDemoKeys?: boolean;
}

/**
 * By default every request reads the key row, so a revoke made by any process refuses the very next request (Z4).
 * A process that is the only one using its key store (the embedded platform) may cache: its own revokes evict at
 * once. Reading the key row on every request cost a database query per decision (a tenth of its time at
 * 1,000 decisions/s).
 */
export const DEFAULT_API_KEY_CACHE_TTL_MS = 0;

/** What a sole user of its key store caches a verified key for (ms). */
export const SOLE_STORE_API_KEY_CACHE_TTL_MS = 1_000;

export const ACCESS_MODULE_OPTIONS = Symbol('kairos.access.options');
