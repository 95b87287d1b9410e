import type { ApiKeyService } from '../api-keys/api-key.service';
import type { JwtVerifier } from '../jwt/jwt-verifier';
import type { Principal } from '../principal/access-vocabulary';

export type AuthenticationFailure = 'missing-credentials' | 'malformed-credentials' | 'invalid-credentials';

export type AuthenticationOutcome = { readonly principal: Principal } | { readonly failure: AuthenticationFailure; readonly detail?: string };

/** RFC 6750 b64token, bounded: longer values are not ours and are not worth hashing or parsing. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]{1,8192}=*)$/i;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/**
 * Turns an Authorization header into a principal. A three-part dotted token is a JWT (humans, via OIDC); anything
 * else is an API key (channels, automation). Without a JWT verifier configured, JWTs are simply invalid.
 */
export class BearerAuthenticator {
  constructor(
    private readonly apiKeys: ApiKeyService,
    private readonly jwt: JwtVerifier | null,
  ) {}

  async authenticate(header: string | string[] | undefined): Promise<AuthenticationOutcome> {
    if (header === undefined || header === '') return { failure: 'missing-credentials' };
    if (typeof header !== 'string') return { failure: 'malformed-credentials' };
    const match = BEARER.exec(header);
    if (match === null) return { failure: 'malformed-credentials' };
    const token = match[1] as string;

    if (JWT_SHAPE.test(token)) {
      if (this.jwt === null) return { failure: 'invalid-credentials', detail: 'jwt-not-configured' };
      const outcome = await this.jwt.verify(token);
      return 'principal' in outcome ? outcome : { failure: 'invalid-credentials', detail: `jwt-${outcome.rejection}` };
    }
    const principal = await this.apiKeys.verify(token);
    return principal === null ? { failure: 'invalid-credentials', detail: 'api-key' } : { principal };
  }
}
