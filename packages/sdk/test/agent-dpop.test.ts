import { inspect } from 'node:util';
import {
  calculateJwkThumbprint,
  decodeJwt,
  decodeProtectedHeader,
  EmbeddedJWK,
  jwtVerify,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDPoPFetch, DPoPKey } from '../src/agent/index.js';
import { createResourceServer, type ResourceServer } from '../src/resource-server/index.js';
import { accessTokenHash } from './support/dpop.js';
import {
  accessTokenClaims,
  type FakeIssuer,
  nowSeconds,
  startFakeIssuer,
} from './support/fake-issuer.js';
import { type ServedHandler, serveFetch } from './support/serve-fetch.js';

// The agent's DPoP key: non-extractable, never serialised, and its proofs accepted by the
// resource-server side; the fetch wrapper answers a use_dpop_nonce challenge once.
let issuer: FakeIssuer;
let served: ServedHandler;
let api: ResourceServer;

beforeAll(async () => {
  issuer = await startFakeIssuer(['ES256']);
  await issuer.addKey('ES256', 'k1');
  served = await serveFetch();
  api = createResourceServer({ issuer: issuer.issuer, resource: `${served.origin}/mcp` });
});
afterAll(async () => {
  await served.close();
  await issuer.close();
});

const boundTo = (key: DPoPKey) =>
  issuer.sign(
    accessTokenClaims(issuer.issuer, `${served.origin}/mcp`, { cnf: { jkt: key.thumbprint } }),
    'k1',
  );

describe('DPoPKey', () => {
  it('generates a non-extractable private key and never shows it', async () => {
    const generateKey = vi.spyOn(crypto.subtle, 'generateKey');
    const key = await DPoPKey.generate();
    const pair = (await generateKey.mock.results[0]?.value) as CryptoKeyPair;
    generateKey.mockRestore();
    expect(pair.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('jwk', pair.privateKey)).rejects.toThrow();
    expect(JSON.parse(JSON.stringify(key))).toEqual({
      algorithm: 'ES256',
      thumbprint: key.thumbprint,
    });
    expect(inspect(key, { showHidden: true, depth: 5 })).not.toMatch(/CryptoKey|privateKey|"d"/);
    expect(key.publicJwk).not.toHaveProperty('d');
    expect(key.thumbprint).toBe(await calculateJwkThumbprint(key.publicJwk));
  });

  it('makes token-request proofs: typ, jwk, htm, htu without query, iat, random jti, nonce', async () => {
    const key = await DPoPKey.generate();
    const proof = await key.proof({
      method: 'post',
      url: 'https://auth.example.com/token?a=1#f',
      nonce: 'server-nonce',
    });
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', jwk: key.publicJwk });
    expect(payload).toMatchObject({
      htm: 'POST',
      htu: 'https://auth.example.com/token',
      nonce: 'server-nonce',
    });
    expect(payload).not.toHaveProperty('ath');
    expect(Math.abs((payload.iat ?? 0) - nowSeconds())).toBeLessThanOrEqual(1);
    expect(payload.jti?.length).toBeGreaterThanOrEqual(43);
    const other = decodeJwt(await key.proof({ method: 'POST', url: 'https://a.example/t' }));
    expect(other.jti).not.toBe(payload.jti);
  });

  it('adds ath for a resource request', async () => {
    const key = await DPoPKey.generate();
    const proof = await key.proof({
      method: 'GET',
      url: 'https://a.example/r',
      accessToken: 'tok',
    });
    expect(decodeJwt(proof).ath).toBe(await accessTokenHash('tok'));
  });

  it.each(['ES256', 'ES384', 'Ed25519', 'PS256', 'RS256'] as const)(
    'makes %s proofs the resource server accepts',
    async (algorithm) => {
      const key = await DPoPKey.generate(algorithm);
      expect(
        decodeProtectedHeader(await key.proof({ method: 'GET', url: served.origin })).alg,
      ).toBe(algorithm);
      const token = await boundTo(key);
      const url = `${served.origin}/mcp/x`;
      const request = new Request(url, {
        headers: {
          authorization: `DPoP ${token}`,
          dpop: await key.proof({ method: 'GET', url, accessToken: token }),
        },
      });
      await expect(api.verify(request)).resolves.toMatchObject({
        dpopKeyThumbprint: key.thumbprint,
      });
    },
  );

  it('refuses key pairs that cannot sign DPoP proofs', async () => {
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ]);
    const ec = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const ed = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    for (const pair of [
      { privateKey: hmac, publicKey: hmac },
      { privateKey: ed.privateKey, publicKey: ec.publicKey },
      { privateKey: ec.publicKey, publicKey: ec.publicKey },
    ])
      await expect(DPoPKey.fromKeyPair(pair as CryptoKeyPair)).rejects.toMatchObject({
        code: 'invalid_config',
      });
    await expect(DPoPKey.fromKeyPair(ec)).resolves.toBeInstanceOf(DPoPKey);
  });
});

describe('createDPoPFetch', () => {
  it('answers a use_dpop_nonce challenge once, resending the body, and remembers the nonce', async () => {
    const key = await DPoPKey.generate();
    const token = await boundTo(key);
    const seen: { nonce: unknown; body: string }[] = [];
    served.handle = async (request) => {
      const nonce = decodeJwt(request.headers.get('dpop') ?? '').nonce;
      seen.push({ nonce, body: await request.clone().text() });
      if (nonce !== 'n-1')
        return new Response(null, {
          status: 401,
          headers: { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': 'n-1' },
        });
      const access = await api.verify(request);
      return Response.json({ agent: access.agentId, body: await request.text() });
    };
    const dpopFetch = createDPoPFetch({ key, accessToken: async () => token });
    const first = await dpopFetch(`${served.origin}/mcp/tools`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer stale' },
      body: '{"tool":"x"}',
    });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ agent: 'agent_test', body: '{"tool":"x"}' });
    expect(seen).toEqual([
      { nonce: undefined, body: '{"tool":"x"}' },
      { nonce: 'n-1', body: '{"tool":"x"}' },
    ]);
    expect((await dpopFetch(`${served.origin}/mcp/tools`)).status).toBe(200);
    expect(seen).toHaveLength(3);
  });

  it('returns other challenges as they are, without retrying', async () => {
    const key = await DPoPKey.generate();
    let calls = 0;
    served.handle = api.protect(() => new Response('ok'));
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    // A token bound to another key: the resource refuses the proof.
    const other = await DPoPKey.generate();
    const dpopFetch = createDPoPFetch({ key, accessToken: await boundTo(other), fetch: counting });
    const response = await dpopFetch(`${served.origin}/mcp/tools`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_dpop_proof"');
    expect(calls).toBe(1);
  });

  it('refuses to send a token over plain http to another host', async () => {
    const key = await DPoPKey.generate();
    const dpopFetch = createDPoPFetch({ key, accessToken: 'token' });
    await expect(dpopFetch('http://api.example.com/mcp')).rejects.toMatchObject({
      code: 'invalid_config',
    });
  });
});
