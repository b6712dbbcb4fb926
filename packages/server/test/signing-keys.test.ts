import { createHash, randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SealedBox } from '../src/crypto/sealed-box.js';
import { envKeyId } from '../src/tokens/signing-keys.js';
import { asSuperuser } from './support/database.js';
import { obtainTokens } from './support/flow.js';
import { createHarness, type Harness, ISSUER } from './support/harness.js';

// Asymmetric signing keys: published, kept sealed at rest, and HS256 only when asked for.
async function jwks(h: Harness): Promise<JSONWebKeySet> {
  return (await (await h.request('/.well-known/jwks.json')).json()) as JSONWebKeySet;
}

async function tokensOf(h: Harness) {
  const owner = await h.createUser();
  const client = await h.createClient(owner.email);
  const agent = await h.createAgent(owner.email);
  return { client, tokens: await obtainTokens(h, client, agent) };
}

describe('the default deployment (ES256)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.dispose());

  it('publishes the public key only, cacheable for JWKS_MAX_AGE, with an ETag', async () => {
    const response = await h.request('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('content-type')).toBe('application/jwk-set+json');
    const { keys } = (await response.json()) as JSONWebKeySet;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: expect.any(String),
      alg: 'ES256',
      use: 'sig',
    });
    const etag = response.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await h.request('/.well-known/jwks.json', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
  });

  it('signs access tokens that verify against the JWKS alone', async () => {
    const { client, tokens } = await tokensOf(h);
    const { payload, protectedHeader } = await jwtVerify(
      tokens.access_token,
      createLocalJWKSet(await jwks(h)),
      { issuer: ISSUER, audience: client.client_id, typ: 'at+jwt' },
    );
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload.client_id).toBe(client.client_id);
  });

  it('keeps the private key sealed under KEY_ENCRYPTION_KEY, bound to its kid', async () => {
    const [row] = await asSuperuser<{ kid: string; wrapped_key: string; public_jwk: unknown }>(
      h.db.driver,
      "SELECT kid, wrapped_key, public_jwk FROM signing_keys WHERE alg = 'ES256'",
    );
    if (!row) throw new Error('no stored key');
    expect(JSON.stringify(row.public_jwk)).not.toMatch(/"d"/);
    const box = new SealedBox(h.secrets.keyEncryptionKey, 'signing-key-v2');
    const privateJwk = JSON.parse(String(box.open(row.wrapped_key, row.kid))) as { d: string };
    expect(privateJwk.d).toMatch(/^[\w-]{43}$/);
    const stored = Buffer.from(row.wrapped_key, 'base64url');
    expect(stored.includes(Buffer.from(privateJwk.d))).toBe(false);
    expect(stored.includes(Buffer.from(privateJwk.d, 'base64url'))).toBe(false);
    expect(box.open(row.wrapped_key, 'another-kid')).toBeUndefined();
    const stranger = new SealedBox(
      'another-key-encryption-key-of-48-characters-xx',
      'signing-key-v2',
    );
    expect(stranger.open(row.wrapped_key, row.kid)).toBeUndefined();
  });
});

describe.each(['EdDSA', 'RS256'] as const)('SIGNING_ALG=%s', (alg) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ SIGNING_ALG: alg });
  });
  afterAll(() => h.dispose());

  it('signs access and ID tokens with it and says so in discovery', async () => {
    const { client, tokens } = await tokensOf(h);
    const keys = createLocalJWKSet(await jwks(h));
    const access = await jwtVerify(tokens.access_token, keys, { audience: client.client_id });
    expect(access.protectedHeader.alg).toBe(alg);
    const idToken = (tokens as unknown as { id_token: string }).id_token;
    const id = await jwtVerify(idToken, keys, { audience: client.client_id, typ: 'JWT' });
    // OpenID Connect Core §3.1.3.6, with SHA-512 for Ed25519 as verifiers compute it.
    const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
      .update(tokens.access_token)
      .digest();
    expect(id.payload.at_hash).toBe(digest.subarray(0, digest.length / 2).toString('base64url'));
    const metadata = await (await h.request('/.well-known/openid-configuration')).json();
    expect(metadata).toMatchObject({
      access_token_signing_alg_values_supported: [alg],
      id_token_signing_alg_values_supported: [alg],
    });
  });
});

describe('SIGNING_ALG=HS256 (the symmetric opt-in)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ SIGNING_ALG: 'HS256' });
  });
  afterAll(() => h.dispose());

  it('signs with JWT_SECRET, publishes no key, and offers no OpenID Connect', async () => {
    const { tokens } = await tokensOf(h);
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({
      alg: 'HS256',
      kid: envKeyId(h.secrets.jwtSecret ?? ''),
    });
    expect(tokens).not.toHaveProperty('id_token');
    expect(await jwks(h)).toEqual({ keys: [] });
    expect((await h.request('/.well-known/openid-configuration')).status).toBe(404);
    const metadata = (await (
      await h.request('/.well-known/oauth-authorization-server')
    ).json()) as Record<string, unknown>;
    expect(metadata.access_token_signing_alg_values_supported).toEqual(['HS256']);
    expect(metadata).not.toHaveProperty('id_token_signing_alg_values_supported');
    const userinfo = await h.request('/userinfo', {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(200);
  });

  it('still signs with an HS256 key of the first release, sealed under JWT_SECRET', async () => {
    // How the first release stored a rotated key: 48 random bytes under a key derived from
    // JWT_SECRET, without the kid as additional data.
    const legacy = new SealedBox(h.secrets.jwtSecret ?? '', 'signing-key-wrap-v1');
    const kid = 'k_0123456789abcdef01234567';
    await asSuperuser(
      h.db.driver,
      'INSERT INTO signing_keys (kid, alg, wrapped_key) VALUES ($1, $2, $3)',
      [kid, 'HS256', legacy.seal(randomBytes(48), '')],
    );
    await h.ctx.keys.reload();
    const { tokens } = await tokensOf(h);
    expect(decodeProtectedHeader(tokens.access_token).kid).toBe(kid);
    const userinfo = await h.request('/userinfo', {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(200);
  });
});
