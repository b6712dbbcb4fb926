import { createHmac } from 'node:crypto';
import { base64url, exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DPoPKey } from '../src/agent/index.js';
import {
  createResourceServer,
  type ResourceServer,
  ResourceServerError,
} from '../src/resource-server/index.js';
import { discover, verifyAccessToken } from '../src/website/index.js';
import { accessTokenHash, craftProof, type RawDPoPKey, rawDPoPKey } from './support/dpop.js';
import {
  accessTokenClaims,
  type FakeIssuer,
  nowSeconds,
  startFakeIssuer,
} from './support/fake-issuer.js';

// DPoP-bound tokens (RFC 9449 §7): the proof must match the token's cnf.jkt, the request
// and the token, be fresh, and be used once. Proofs come from the agent SDK's DPoPKey,
// or are crafted with jose for the attacks.
const RESOURCE = 'https://api.example.com/mcp';
const URL_TOOLS = `${RESOURCE}/tools`;
const ALGS = 'ES256 ES384 EdDSA Ed25519 PS256 RS256';
let issuer: FakeIssuer;
let api: ResourceServer;
let agentKey: DPoPKey;
let raw: RawDPoPKey;

beforeAll(async () => {
  issuer = await startFakeIssuer(['ES256']);
  await issuer.addKey('ES256', 'k1');
  api = createResourceServer({ issuer: issuer.issuer, resource: RESOURCE });
  agentKey = await DPoPKey.generate();
  raw = await rawDPoPKey();
});
afterAll(() => issuer.close());

const boundToken = (jkt: string, overrides: Record<string, unknown> = {}) =>
  issuer.sign(accessTokenClaims(issuer.issuer, RESOURCE, { cnf: { jkt }, ...overrides }), 'k1');
const unboundToken = () => issuer.sign(accessTokenClaims(issuer.issuer, RESOURCE), 'k1');

interface Sent {
  scheme?: string;
  method?: string;
  url?: string;
}
const send = (token: string, proof: string | undefined, sent: Sent = {}) =>
  api.verify(
    new Request(sent.url ?? URL_TOOLS, {
      method: sent.method ?? 'GET',
      headers: {
        authorization: `${sent.scheme ?? 'DPoP'} ${token}`,
        ...(proof === undefined ? {} : { dpop: proof }),
      },
    }),
  );

/** A correct proof by `raw`, with any claim or header changed. */
async function rawProof(
  token: string,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
) {
  return craftProof(
    raw,
    {
      jti: crypto.randomUUID(),
      htm: 'GET',
      htu: URL_TOOLS,
      iat: nowSeconds(),
      ath: await accessTokenHash(token),
      ...claims,
    },
    header,
  );
}

async function refusal(promise: Promise<unknown>, code: string, message?: string) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ResourceServerError);
  const refused = error as ResourceServerError;
  expect(refused.code).toBe(code);
  if (message) expect(refused.message).toBe(message);
  expect(refused.refusal.status).toBe(401);
  expect(refused.refusal.headers['WWW-Authenticate']).toMatch(/^DPoP resource_metadata="/);
  expect(refused.refusal.headers['WWW-Authenticate']).toContain(`algs="${ALGS}"`);
  return refused;
}

describe('a DPoP-bound token', () => {
  it("is accepted with the agent SDK's proof, and reports the bound key", async () => {
    const token = await boundToken(agentKey.thumbprint);
    const proof = await agentKey.proof({ method: 'GET', url: URL_TOOLS, accessToken: token });
    await expect(send(token, proof)).resolves.toMatchObject({
      agentId: 'agent_test',
      dpopKeyThumbprint: agentKey.thumbprint,
    });
  });

  it('is accepted whatever the query string (htu has none, RFC 9449 §4.3)', async () => {
    const token = await boundToken(raw.thumbprint);
    const proof = await rawProof(token);
    await expect(send(token, proof, { url: `${URL_TOOLS}?page=2` })).resolves.toBeTruthy();
  });

  it('is refused without a proof', async () => {
    const token = await boundToken(agentKey.thumbprint);
    await refusal(
      send(token, undefined),
      'invalid_dpop_proof',
      'A DPoP-bound access token needs a DPoP proof header.',
    );
  });

  it('is refused when presented with the Bearer scheme, even with a valid proof', async () => {
    const token = await boundToken(agentKey.thumbprint);
    const proof = await agentKey.proof({ method: 'GET', url: URL_TOOLS, accessToken: token });
    const refused = await refusal(
      send(token, proof, { scheme: 'Bearer' }),
      'invalid_token',
      'This access token is DPoP-bound: send it with the DPoP scheme.',
    );
    expect(refused.refusal.headers['WWW-Authenticate']).toContain('error="invalid_token"');
    await refusal(send(token, undefined, { scheme: 'Bearer' }), 'invalid_token');
  });

  it("is refused with a proof by another key (a thief's own key)", async () => {
    const token = await boundToken(agentKey.thumbprint);
    await refusal(
      send(token, await rawProof(token)),
      'invalid_dpop_proof',
      'The DPoP proof is signed by another key than the token is bound to.',
    );
  });

  it("is refused with a proof naming the victim's public key but signed by another", async () => {
    const token = await boundToken(agentKey.thumbprint);
    const forged = await rawProof(token, {}, { jwk: agentKey.publicJwk });
    await refusal(
      send(token, forged),
      'invalid_token',
      'The access token or its DPoP proof is not valid.',
    );
  });

  it('refuses a replayed proof (same jti), and accepts a fresh one', async () => {
    const token = await boundToken(agentKey.thumbprint);
    const proof = await agentKey.proof({ method: 'GET', url: URL_TOOLS, accessToken: token });
    await expect(send(token, proof)).resolves.toBeTruthy();
    await refusal(send(token, proof), 'invalid_dpop_proof', 'The DPoP proof was already used.');
    const again = await agentKey.proof({ method: 'GET', url: URL_TOOLS, accessToken: token });
    await expect(send(token, again)).resolves.toBeTruthy();
  });

  it('refuses a proof for another method, URL, host or token', async () => {
    const token = await boundToken(raw.thumbprint);
    const other = await boundToken(raw.thumbprint);
    const cases: [Record<string, unknown>, string][] = [
      [{ htm: 'POST' }, 'another HTTP method'],
      [{ htu: `${RESOURCE}/admin` }, 'another URL'],
      [{ htu: 'https://evil.example/mcp/tools' }, 'another URL'],
      [{ ath: await accessTokenHash(other) }, 'another access token'],
    ];
    for (const [claims, reason] of cases)
      await refusal(
        send(token, await rawProof(token, claims)),
        'invalid_dpop_proof',
        `The DPoP proof was made for ${reason}.`,
      );
    await refusal(send(token, await rawProof(token, { ath: undefined })), 'invalid_token');
  });

  it('refuses a stale or future proof (iat outside the five-minute window)', async () => {
    const token = await boundToken(raw.thumbprint);
    for (const iat of [nowSeconds() - 301, nowSeconds() + 301])
      await refusal(
        send(token, await rawProof(token, { iat })),
        'invalid_dpop_proof',
        'The DPoP proof is not recent: its iat is outside the accepted window.',
      );
  });

  it('refuses a proof that is not typ dpop+jwt, uses HS256 or none, or has a long jti', async () => {
    const token = await boundToken(raw.thumbprint);
    const valid = await rawProof(token);
    const [, payload] = valid.split('.');
    const headerOf = (fields: Record<string, unknown>) =>
      base64url.encode(JSON.stringify({ typ: 'dpop+jwt', jwk: raw.jwk, ...fields }));
    const hmac = createHmac('sha256', 'secret').update(`${headerOf({ alg: 'HS256' })}.${payload}`);
    const proofs = [
      await rawProof(token, {}, { typ: 'JWT' }),
      `${headerOf({ alg: 'HS256' })}.${payload}.${hmac.digest('base64url')}`,
      `${headerOf({ alg: 'none' })}.${payload}.`,
      await rawProof(token, { jti: 'x'.repeat(300) }),
    ];
    for (const proof of proofs) await refusal(send(token, proof), 'invalid_dpop_proof');
  });

  it('refuses a proof whose jwk header carries the private key (RFC 9449 §4.3)', async () => {
    const token = await boundToken(raw.thumbprint);
    // Same thumbprint (RFC 7638 hashes public members only) and a valid signature.
    const proof = await rawProof(token, {}, { jwk: await exportJWK(raw.privateKey) });
    await refusal(
      send(token, proof),
      'invalid_dpop_proof',
      'The jwk header of the DPoP proof must be a public key.',
    );
  });
});

describe('an unbound token', () => {
  it('is refused with the DPoP scheme (RFC 9449 §7.2)', async () => {
    const token = await unboundToken();
    await refusal(
      send(token, await rawProof(token)),
      'invalid_token',
      'This access token is not DPoP-bound: send it with the Bearer scheme.',
    );
  });

  it('is refused with a DPoP proof header next to the Bearer scheme', async () => {
    const token = await unboundToken();
    await refusal(
      send(token, await rawProof(token), { scheme: 'Bearer' }),
      'invalid_token',
      'A DPoP proof came with an access token that is not DPoP-bound.',
    );
  });

  it('is refused by a resource that requires DPoP, with a DPoP challenge', async () => {
    const strict = createResourceServer({
      issuer: issuer.issuer,
      resource: RESOURCE,
      requireDPoP: true,
    });
    const bearer = `Bearer ${await unboundToken()}`;
    await refusal(
      strict.verify(new Request(URL_TOOLS, { headers: { authorization: bearer } })),
      'invalid_token',
      'This resource accepts DPoP-bound access tokens only.',
    );
    expect(strict.metadata.dpop_bound_access_tokens_required).toBe(true);
  });
});

describe("the website's verifyAccessToken shares the verifier", () => {
  it('accepts an ES256 token for the website and refuses a DPoP-bound one (no proof)', async () => {
    const client = await discover({
      issuer: issuer.issuer,
      clientId: 'client_test',
      clientSecret: 'secret',
      redirectUri: 'http://127.0.0.1/cb',
    });
    const forWebsite = (extra: Record<string, unknown> = {}) =>
      issuer.sign(accessTokenClaims(issuer.issuer, 'client_test', extra), 'k1');
    await expect(verifyAccessToken(client, await forWebsite())).resolves.toMatchObject({
      agentId: 'agent_test',
      verifiedBy: 'jwks',
    });
    await expect(
      verifyAccessToken(client, await forWebsite({ cnf: { jkt: agentKey.thumbprint } })),
    ).rejects.toMatchObject({
      code: 'invalid_token',
      message: 'This access token is DPoP-bound: send it with the DPoP scheme.',
    });
  });
});
