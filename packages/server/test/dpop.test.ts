import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dpopKey, type TestDPoPKey } from './support/dpop.js';
import { basicAuth, signIn } from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  type Harness,
  ISSUER,
  REDIRECT_URI,
} from './support/harness.js';
import { secondInstance } from './support/second-instance.js';
import { createSignInWorld } from './support/sign-in-world.js';

// RFC 9449 at the token endpoint, /userinfo and introspection.
const TOKEN_URL = `${ISSUER}/token`;
const USERINFO_URL = `${ISSUER}/userinfo`;
let h: Harness;
let client: ClientFixture;
let publicClient: ClientFixture;
let agent: AgentFixture;
let key: TestDPoPKey;
let otherKey: TestDPoPKey;

beforeAll(async () => {
  let owner: { email: string };
  ({ h, owner, client, agent } = await createSignInWorld());
  publicClient = await h.createClient(owner.email, { public: true });
  key = await dpopKey();
  otherKey = await dpopKey();
});
afterAll(() => h.dispose());

interface TokenBody {
  access_token: string;
  refresh_token: string;
  token_type: string;
  error?: string;
}

async function token(as: ClientFixture, params: Record<string, string>, proof?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (as.client_secret) headers.authorization = basicAuth(as);
  if (proof !== undefined) headers.dpop = proof;
  const body = new URLSearchParams({
    ...params,
    ...(as.client_secret ? {} : { client_id: as.client_id }),
  });
  const response = await h.request('/token', { method: 'POST', headers, body: body.toString() });
  return { status: response.status, body: (await response.json()) as TokenBody };
}

async function codeExchange(as: ClientFixture, proof?: string) {
  const { code, verifier } = await signIn(h, as, agent);
  const params = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI };
  return token(as, { ...params, code_verifier: verifier }, proof);
}

async function boundTokens(as: ClientFixture = client): Promise<TokenBody> {
  const result = await codeExchange(as, await key.proof('POST', TOKEN_URL));
  expect(result.status).toBe(200);
  return result.body;
}

function userinfo(accessToken: string, headers: Record<string, string>) {
  return h.request('/userinfo', { headers: { authorization: `DPoP ${accessToken}`, ...headers } });
}

async function refused(response: Response, error: string) {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toContain(`error="${error}"`);
}

describe('the token endpoint binds tokens to the proof key (RFC 9449 §5)', () => {
  it('issues a DPoP token with cnf.jkt, and a bearer token without a proof', async () => {
    const bound = await boundTokens();
    expect(bound.token_type).toBe('DPoP');
    expect(decodeJwt(bound.access_token).cnf).toEqual({ jkt: key.thumbprint });
    const plain = await codeExchange(client);
    expect(plain.body.token_type).toBe('Bearer');
    expect(decodeJwt(plain.body.access_token).cnf).toBeUndefined();
  });

  it.each<[string, () => Promise<string>]>([
    ['a wrong htu', () => key.proof('POST', `${ISSUER}/other`)],
    ['a wrong htm', () => key.proof('GET', TOKEN_URL)],
    [
      'an old iat',
      () => key.proof('POST', TOKEN_URL, { claims: { iat: Date.now() / 1000 - 600 } }),
    ],
    [
      'a future iat',
      () => key.proof('POST', TOKEN_URL, { claims: { iat: Date.now() / 1000 + 600 } }),
    ],
    ['no jti', () => key.proof('POST', TOKEN_URL, { claims: { jti: undefined } })],
    ['typ JWT', () => key.proof('POST', TOKEN_URL, { header: { typ: 'JWT' } })],
    [
      'another key in its jwk',
      () => key.proof('POST', TOKEN_URL, { header: { jwk: otherKey.jwk } }),
    ],
    [
      'a private jwk',
      () => key.proof('POST', TOKEN_URL, { header: { jwk: { ...key.jwk, d: 'AAAA' } } }),
    ],
    [
      'two proofs',
      async () => `${await key.proof('POST', TOKEN_URL)}, ${await key.proof('POST', TOKEN_URL)}`,
    ],
    ['garbage', async () => 'not.a.proof'],
  ])('refuses a proof with %s: invalid_dpop_proof, and the code stays unspent', async (_, make) => {
    const { code, verifier } = await signIn(h, client, agent);
    const params = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    };
    const bad = await token(client, params, await make());
    expect(bad).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
    expect((await token(client, params, await key.proof('POST', TOKEN_URL))).status).toBe(200);
  });

  it('refuses a proof used before, even for another code', async () => {
    const proof = await key.proof('POST', TOKEN_URL);
    expect((await codeExchange(client, proof)).status).toBe(200);
    const again = await codeExchange(client, proof);
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
  });
});

describe('refresh tokens of public clients are bound too', () => {
  const refresh = (as: ClientFixture, refreshToken: string, proof?: string) =>
    token(as, { grant_type: 'refresh_token', refresh_token: refreshToken }, proof);

  it('a public client refreshes only with a proof of the same key; the token stays unspent', async () => {
    const tokens = await boundTokens(publicClient);
    const stolen = tokens.refresh_token;
    expect(await refresh(publicClient, stolen)).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    const withOther = await refresh(publicClient, stolen, await otherKey.proof('POST', TOKEN_URL));
    expect(withOther).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const honest = await refresh(publicClient, stolen, await key.proof('POST', TOKEN_URL));
    expect(honest.status).toBe(200);
    expect(honest.body.token_type).toBe('DPoP');
    expect(decodeJwt(honest.body.access_token).cnf).toEqual({ jkt: key.thumbprint });
  });

  it('a confidential client authenticates, so its refresh token is not bound (§5)', async () => {
    const tokens = await boundTokens(client);
    const plain = await refresh(client, tokens.refresh_token);
    expect(plain.status).toBe(200);
    expect(plain.body.token_type).toBe('Bearer');
  });
});

describe('/userinfo enforces the binding (RFC 9449 §7)', () => {
  it('accepts the DPoP scheme with a fresh proof of the bound key', async () => {
    const { access_token } = await boundTokens();
    const proof = await key.proof('GET', USERINFO_URL, { accessToken: access_token });
    const response = await userinfo(access_token, { dpop: proof });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sub: agent.agent_id });
  });

  it('refuses a bound token without a proof, as a bearer token, or with a proof of another key', async () => {
    const { access_token } = await boundTokens();
    await refused(await userinfo(access_token, {}), 'invalid_dpop_proof');
    const asBearer = await h.request('/userinfo', {
      headers: {
        authorization: `Bearer ${access_token}`,
        dpop: await key.proof('GET', USERINFO_URL, { accessToken: access_token }),
      },
    });
    await refused(asBearer, 'invalid_token');
    const other = await otherKey.proof('GET', USERINFO_URL, { accessToken: access_token });
    await refused(await userinfo(access_token, { dpop: other }), 'invalid_token');
  });

  it('refuses a replayed proof', async () => {
    const { access_token } = await boundTokens();
    const proof = await key.proof('GET', USERINFO_URL, { accessToken: access_token });
    expect((await userinfo(access_token, { dpop: proof })).status).toBe(200);
    await refused(await userinfo(access_token, { dpop: proof }), 'invalid_dpop_proof');
  });

  it.each<[string, (token: string) => Promise<string>]>([
    ['no ath', () => key.proof('GET', USERINFO_URL)],
    ['the ath of another token', () => key.proof('GET', USERINFO_URL, { accessToken: 'other' })],
    ['the htm of another method', (t) => key.proof('POST', USERINFO_URL, { accessToken: t })],
    ['the htu of the token endpoint', (t) => key.proof('GET', TOKEN_URL, { accessToken: t })],
  ])('refuses a proof with %s', async (_, make) => {
    const { access_token } = await boundTokens();
    await refused(
      await userinfo(access_token, { dpop: await make(access_token) }),
      'invalid_dpop_proof',
    );
  });

  it('ignores the query of the request URL in htu, and refuses an unbound token sent as DPoP', async () => {
    const { access_token } = await boundTokens();
    const proof = await key.proof('GET', `${USERINFO_URL}?x=1`, { accessToken: access_token });
    const response = await h.request('/userinfo?x=1', {
      headers: { authorization: `DPoP ${access_token}`, dpop: proof },
    });
    expect(response.status).toBe(200);
    const plain = (await codeExchange(client)).body.access_token;
    const asDPoP = await userinfo(plain, {
      dpop: await key.proof('GET', USERINFO_URL, { accessToken: plain }),
    });
    await refused(asDPoP, 'invalid_token');
  });
});

describe('introspection tells resource servers about the binding (RFC 9449 §6.2)', () => {
  it('returns token_type DPoP and cnf.jkt, without asking for a proof', async () => {
    const { access_token } = await boundTokens();
    const response = await h.request('/introspect', {
      method: 'POST',
      headers: {
        authorization: basicAuth(client),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: access_token }).toString(),
    });
    expect(await response.json()).toMatchObject({
      active: true,
      token_type: 'DPoP',
      cnf: { jkt: key.thumbprint },
    });
  });
});

describe('replay detection is shared by every instance (RFC 9449 §11.1)', () => {
  it('refuses at one instance a proof another instance accepted', async () => {
    const other = await secondInstance(h, {});
    try {
      const { access_token } = await boundTokens();
      const proof = await key.proof('GET', USERINFO_URL, { accessToken: access_token });
      expect((await userinfo(access_token, { dpop: proof })).status).toBe(200);
      const replayed = await other.request('/userinfo', {
        headers: { authorization: `DPoP ${access_token}`, dpop: proof },
      });
      await refused(replayed, 'invalid_dpop_proof');
      const fresh = await key.proof('GET', USERINFO_URL, { accessToken: access_token });
      const accepted = await other.request('/userinfo', {
        headers: { authorization: `DPoP ${access_token}`, dpop: fresh },
      });
      expect(accepted.status).toBe(200);
    } finally {
      await other.dispose();
    }
  });
});
