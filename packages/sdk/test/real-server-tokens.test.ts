import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDPoPFetch, DPoPKey } from '../src/agent/index.js';
import { createResourceServer, ResourceServerError } from '../src/resource-server/index.js';
import { discover, type WebsiteClient } from '../src/website/index.js';
import { CALLBACKS } from './support/ports.js';
import { type ServedHandler, serveFetch } from './support/serve-fetch.js';
import { optionsFor, signInOverHttp, tokensFor } from './support/sign-in.js';

// The SDK against tokens the real server signs (ES256, published in its JWKS), not tokens
// minted by a stand-in issuer: the resource server verifies them offline, and an agent's
// DPoPKey gets a DPoP-bound token and uses it at /userinfo and at a resource server.
const server = inject('authAgent');
const REDIRECT = CALLBACKS.website;
let website: WebsiteClient;
let served: ServedHandler;

beforeAll(async () => {
  website = await discover(optionsFor(server, server.website, REDIRECT));
  served = await serveFetch();
});
afterAll(() => served.close());

/** An API whose tokens are the website's (aud is the client_id without RFC 8707). */
function api(clientId: string) {
  return createResourceServer({
    issuer: server.issuer,
    resource: `${served.origin}/api`,
    audience: clientId,
  });
}

/** The public website's sign-in, exchanging the code with a DPoP proof of `key`. */
async function dpopBoundTokens(key: DPoPKey) {
  const client = await discover(optionsFor(server, server.publicWebsite, REDIRECT));
  const { callbackUrl, saved } = await signInOverHttp(server, client);
  const tokenEndpoint = `${server.issuer}/token`;
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      dpop: await key.proof({ method: 'POST', url: tokenEndpoint }),
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: new URL(callbackUrl).searchParams.get('code') ?? '',
      redirect_uri: REDIRECT,
      code_verifier: saved.codeVerifier,
      client_id: server.publicWebsite.client_id,
    }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; token_type: string };
}

describe('createResourceServer with a real ES256 token', () => {
  it('verifies it offline against the JWKS and refuses it for another audience', async () => {
    const tokens = await tokensFor(server, website);
    expect(decodeProtectedHeader(tokens.accessToken).alg).toBe('ES256');
    const request = new Request(`${served.origin}/api/items`, {
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    const verified = await api(server.website.client_id).verify(request);
    expect(verified).toMatchObject({
      agentId: server.agent.agent_id,
      clientId: server.website.client_id,
      verifiedBy: 'jwks',
      model: 'website-test-model',
    });
    const elsewhere = await api(server.otherWebsite.client_id)
      .verify(request.clone())
      .catch((error: unknown) => error);
    expect(elsewhere).toBeInstanceOf(ResourceServerError);
    expect((elsewhere as ResourceServerError).code).toBe('invalid_token');
  });
});

describe('DPoPKey and createDPoPFetch with a real DPoP-bound token', () => {
  it('binds the token to the key and calls /userinfo with proofs', async () => {
    const key = await DPoPKey.generate();
    const tokens = await dpopBoundTokens(key);
    expect(tokens.token_type).toBe('DPoP');
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: key.thumbprint });
    const dpopFetch = createDPoPFetch({ key, accessToken: tokens.access_token });
    for (let i = 0; i < 2; i++) {
      const response = await dpopFetch(`${server.issuer}/userinfo`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ sub: server.agent.agent_id });
    }
    // Another key's proofs, or none, are refused.
    const thief = createDPoPFetch({
      key: await DPoPKey.generate(),
      accessToken: tokens.access_token,
    });
    expect((await thief(`${server.issuer}/userinfo`)).status).toBe(401);
    const bare = await fetch(`${server.issuer}/userinfo`, {
      headers: { authorization: `DPoP ${tokens.access_token}` },
    });
    expect(bare.status).toBe(401);
  });

  it('is accepted by a resource server, which sees the key it is bound to', async () => {
    const key = await DPoPKey.generate();
    const tokens = await dpopBoundTokens(key);
    const resource = api(server.publicWebsite.client_id);
    served.handle = async (request) => {
      const verified = await resource.verify(request);
      return Response.json({ agent: verified.agentId, jkt: verified.dpopKeyThumbprint });
    };
    const dpopFetch = createDPoPFetch({ key, accessToken: tokens.access_token });
    const response = await dpopFetch(`${served.origin}/api/items`);
    expect(await response.json()).toEqual({ agent: server.agent.agent_id, jkt: key.thumbprint });
  });
});
