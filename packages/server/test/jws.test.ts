import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { SIGNING_ALGS, type SigningAlg } from '../src/config/signing-settings.js';
import { signJwt } from '../src/tokens/jws.js';
import { importHmacKey } from '../src/tokens/key-material.js';

/** A signing key as the key ring holds it: a CryptoKey that cannot be exported. */
async function keysFor(alg: SigningAlg): Promise<{ sign: CryptoKey; verify: CryptoKey }> {
  if (alg === 'HS256') {
    const key = await importHmacKey(randomBytes(48));
    return { sign: key, verify: key };
  }
  const pair = await generateKeyPair(alg, { extractable: false });
  return { sign: pair.privateKey, verify: pair.publicKey };
}

const claims = { iss: 'https://auth.test', sub: 'agent_ü', aud: ['a', 'b'], iat: 1, exp: 4e9 };

describe('signJwt (node:crypto) against jose', () => {
  for (const alg of SIGNING_ALGS) {
    it(`${alg}: jose verifies it, with the header and claims as given`, async () => {
      const { sign, verify } = await keysFor(alg);
      const token = signJwt({ alg, typ: 'at+jwt', kid: 'k1' }, claims, sign);
      const verified = await jwtVerify(token, verify, { typ: 'at+jwt', algorithms: [alg] });
      expect(verified.payload).toEqual(claims);
      expect(decodeProtectedHeader(token)).toEqual({ alg, typ: 'at+jwt', kid: 'k1' });
      // A changed claim no longer verifies.
      const [head, , tail] = token.split('.');
      const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'other' })).toString('base64url');
      await expect(jwtVerify(`${head}.${forged}.${tail}`, verify)).rejects.toThrow();
    });
  }

  // Deterministic signatures (all but ECDSA) must match jose's own byte for byte.
  for (const alg of ['HS256', 'RS256', 'EdDSA'] as const) {
    it(`${alg}: the same token jose would sign`, async () => {
      const { sign } = await keysFor(alg);
      const ours = signJwt({ alg, typ: 'JWT', kid: 'k2' }, claims, sign);
      const theirs = await new SignJWT(claims)
        .setProtectedHeader({ alg, typ: 'JWT', kid: 'k2' })
        .sign(sign);
      expect(ours).toBe(theirs);
    });
  }

  it('ES256: a 64-byte r || s signature (RFC 7518 §3.4), not DER', async () => {
    const { sign } = await keysFor('ES256');
    const token = signJwt({ alg: 'ES256', typ: 'JWT', kid: 'k3' }, claims, sign);
    expect(Buffer.from(token.split('.')[2] ?? '', 'base64url')).toHaveLength(64);
  });
});
