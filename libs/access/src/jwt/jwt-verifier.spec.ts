import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import { JwtVerifier } from './jwt-verifier';

const ISSUER = 'https://idp.example.test/realms/kairos';
const AUDIENCE = 'kairos-api';

describe('JWT verifier', () => {
  let privateKey: CryptoKey;
  let publicKey: CryptoKey;
  let verifier: JwtVerifier;

  beforeAll(async () => {
    ({ privateKey, publicKey } = await generateKeyPair('ES256'));
    verifier = new JwtVerifier({ issuer: ISSUER, audience: AUDIENCE, publicKey });
  });

  const token = (claims: Record<string, unknown> = {}, options: { iss?: string; aud?: string; exp?: number | string; key?: CryptoKey; alg?: string } = {}) =>
    new SignJWT({ kairos_role: 'dpo', ...claims })
      .setProtectedHeader({ alg: options.alg ?? 'ES256' })
      .setSubject('user-42')
      .setIssuer(options.iss ?? ISSUER)
      .setAudience(options.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(options.key ?? privateKey);

  it('accepts a valid token and maps the role claim', async () => {
    await expect(verifier.verify(await token())).resolves.toEqual({ principal: { id: 'user-42', role: 'dpo', kind: 'jwt' } });
    await expect(verifier.verify(await token({ kairos_role: 'channel', kairos_channel: 'app' }))).resolves.toEqual({
      principal: { id: 'user-42', role: 'channel', channel: 'app', kind: 'jwt' },
    });
  });

  it.each([
    ['expired', () => token({}, { exp: Math.floor(Date.now() / 1000) - 60 }), 'expired'],
    ['wrong audience', () => token({}, { aud: 'another-api' }), 'claim-mismatch'],
    ['wrong issuer', () => token({}, { iss: 'https://evil.example.test' }), 'claim-mismatch'],
    ['unknown role', () => token({ kairos_role: 'root' }), 'unknown-role'],
    ['channel role without channel', () => token({ kairos_role: 'channel' }), 'unknown-role'],
    ['alg none', async () => new UnsecuredJWT({ kairos_role: 'admin' }).setSubject('x').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').encode(), 'malformed'],
  ])('rejects a token with %s', async (_name, make, rejection) => {
    await expect(verifier.verify(await make())).resolves.toEqual({ rejection });
  });

  it('rejects a token signed by another key', async () => {
    const other = await generateKeyPair('ES256');
    await expect(verifier.verify(await token({}, { key: other.privateKey }))).resolves.toEqual({ rejection: 'invalid-signature' });
  });

  it('rejects a token without exp', async () => {
    const noExp = await new SignJWT({ kairos_role: 'dpo' }).setProtectedHeader({ alg: 'ES256' }).setSubject('u').setIssuer(ISSUER).setAudience(AUDIENCE).sign(privateKey);
    await expect(verifier.verify(noExp)).resolves.toEqual({ rejection: 'claim-mismatch' });
  });

  it('refuses symmetric algorithms in its configuration', () => {
    expect(() => new JwtVerifier({ issuer: ISSUER, audience: AUDIENCE, publicKey, algorithms: ['HS256'] })).toThrow(/asymmetric/);
    expect(() => new JwtVerifier({ issuer: ISSUER, audience: AUDIENCE })).toThrow(/exactly one/);
  });

  describe('with a JWKS endpoint (local server, no internet)', () => {
    let server: Server;
    let jwksUrl: string;

    beforeAll(async () => {
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
      server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('verifies tokens against keys fetched from the JWKS URL', async () => {
      const remote = new JwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl });
      const signed = await new SignJWT({ kairos_role: 'admin' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setSubject('u1').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(privateKey);
      await expect(remote.verify(signed)).resolves.toEqual({ principal: { id: 'u1', role: 'admin', kind: 'jwt' } });
      await expect(remote.verify(await token({}, { aud: 'x' }))).resolves.toEqual({ rejection: 'claim-mismatch' });
    });
  });
});
