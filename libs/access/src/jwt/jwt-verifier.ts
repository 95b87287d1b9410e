import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type CryptoKey, type JWK, type JWTVerifyGetKey, type KeyObject } from 'jose';
import { importJWK } from 'jose';
import { isConsistentPrincipal, isRole, type Principal } from '../principal/access-vocabulary';

export interface JwtVerifierOptions {
  /** Exact `iss` the identity provider writes. */
  readonly issuer: string;
  /** `aud` this API must find in the token. */
  readonly audience: string;
  /** JWKS endpoint of the identity provider (keys fetched and cached by jose). Either this or `publicKey`. */
  readonly jwksUrl?: string;
  /** A static public key: a jose/WebCrypto key, a Node KeyObject or a public JWK. */
  readonly publicKey?: CryptoKey | KeyObject | JWK;
  /** Accepted signature algorithms. Asymmetric only: `none` and HMAC are never accepted. */
  readonly algorithms?: readonly string[];
  readonly clockToleranceSeconds?: number;
  /** Claim holding the Kairos role; default `kairos_role`. */
  readonly roleClaim?: string;
  /** Claim holding the channel of a channel principal; default `kairos_channel`. */
  readonly channelClaim?: string;
}

const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/;
const MAX_TOKEN_LENGTH = 8_192;

export type JwtRejection = 'malformed' | 'invalid-signature' | 'expired' | 'claim-mismatch' | 'unknown-role' | 'unavailable';

export type JwtOutcome = { readonly principal: Principal } | { readonly rejection: JwtRejection };

/** Verifies human users' OIDC access tokens: signature, `iss`, `aud`, `exp` (required), and the role claim. */
export class JwtVerifier {
  private readonly algorithms: string[];
  private readonly roleClaim: string;
  private readonly channelClaim: string;
  private keyResolver: Promise<CryptoKey | KeyObject | Uint8Array | JWTVerifyGetKey> | undefined;

  constructor(private readonly options: JwtVerifierOptions) {
    if ((options.jwksUrl === undefined) === (options.publicKey === undefined)) throw new Error('JWT verification needs exactly one of jwksUrl or publicKey');
    this.algorithms = [...(options.algorithms ?? DEFAULT_ALGORITHMS)];
    const symmetric = this.algorithms.filter((alg) => !ASYMMETRIC.test(alg));
    if (symmetric.length > 0) throw new Error(`JWT algorithms must be asymmetric; refused: ${symmetric.join(', ')}`);
    this.roleClaim = options.roleClaim ?? 'kairos_role';
    this.channelClaim = options.channelClaim ?? 'kairos_channel';
  }

  async verify(token: string): Promise<JwtOutcome> {
    if (token.length > MAX_TOKEN_LENGTH) return { rejection: 'malformed' };
    let payload: Record<string, unknown>;
    try {
      const key = await this.resolveKey();
      const verified = await jwtVerify(token, key as never, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: this.algorithms,
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
        requiredClaims: ['exp', 'sub'],
      });
      payload = verified.payload;
    } catch (error) {
      return { rejection: classify(error) };
    }
    const role = payload[this.roleClaim];
    const channel = payload[this.channelClaim];
    const subject = payload['sub'];
    if (!isRole(role) || !isConsistentPrincipal(role, channel)) return { rejection: 'unknown-role' };
    if (typeof subject !== 'string' || subject.length === 0 || subject.length > 255) return { rejection: 'claim-mismatch' };
    const principal: Principal = role === 'channel' ? { id: subject, role, channel: channel as Principal['channel'], kind: 'jwt' } : { id: subject, role, kind: 'jwt' };
    return { principal: Object.freeze(principal) };
  }

  private resolveKey(): Promise<CryptoKey | KeyObject | Uint8Array | JWTVerifyGetKey> {
    if (this.keyResolver === undefined) {
      const { jwksUrl, publicKey } = this.options;
      this.keyResolver =
        jwksUrl !== undefined
          ? Promise.resolve(createRemoteJWKSet(new URL(jwksUrl)))
          : isJwk(publicKey)
            ? importJWK(publicKey)
            : Promise.resolve(publicKey as CryptoKey | KeyObject);
      // A failed import must not be cached forever.
      this.keyResolver.catch(() => (this.keyResolver = undefined));
    }
    return this.keyResolver;
  }
}

function isJwk(key: unknown): key is JWK {
  return typeof key === 'object' && key !== null && typeof (key as { kty?: unknown }).kty === 'string';
}

function classify(error: unknown): JwtRejection {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return 'claim-mismatch';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'invalid-signature';
  if (error instanceof joseErrors.JWKSTimeout) return 'unavailable';
  return 'malformed';
}
