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
  /** See ApiKeyServiceOptions.positiveCacheTtlMs; default 0 (every request reads the store). */
  readonly apiKeyCacheTtlMs?: number;
  /** Seed the demo keys at start when they are allowed; default true. */
  readonly seedDemoKeys?: boolean;
}

export const ACCESS_MODULE_OPTIONS = Symbol('kairos.access.options');
