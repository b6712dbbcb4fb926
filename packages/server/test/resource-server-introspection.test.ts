import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteUser } from '../src/operations/inventory.js';
import { asOperator } from '../src/storage/driver.js';
import { basicAuth, obtainTokens, signIn, tokenRequest } from './support/flow.js';
import {
  type AgentFixture,
  type ApiFixture,
  type ClientFixture,
  type Harness,
  REDIRECT_URI,
} from './support/harness.js';
import { createSignInWorld } from './support/sign-in-world.js';

// RFC 7662 §2.1: an API introspects with its own credentials, and only tokens addressed to it.
let h: Harness;
let client: ClientFixture;
let service: ClientFixture;
let agent: AgentFixture;
let orders: ApiFixture;
let billing: ApiFixture;

beforeAll(async () => {
  let owner: { email: string };
  ({ h, owner, client, agent } = await createSignInWorld());
  const stranger = await h.createUser();
  service = await h.createClient(owner.email, { name: 'Service', clientCredentials: true });
  orders = await h.createApi(owner.email, {
    identifier: 'https://orders.example.com',
    scopes: ['orders.read'],
  });
  // Another owner's API: owning an API gives no view of anyone else's tokens.
  billing = await h.createApi(stranger.email, {
    identifier: 'https://billing.example.com',
    scopes: ['billing.read'],
  });
});
afterAll(() => h.dispose());

function introspectAs(id: string, secret: string, token: string) {
  return h.request('/introspect', {
    method: 'POST',
    headers: {
      authorization: basicAuth({ client_id: id, client_secret: secret, redirect_uris: [] }),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }).toString(),
  });
}

async function asApi(api: ApiFixture, token: string) {
  const response = await introspectAs(api.api_id, api.api_secret, token);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function tokensFor(resource: string | string[], scope?: string) {
  const { code, verifier } = await signIn(h, client, agent, 'm', {
    resource,
    ...(scope ? { scope } : {}),
  });
  const response = await tokenRequest(h, client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
  });
  return (await response.json()) as { access_token: string; refresh_token: string };
}

describe('introspection by an API (RFC 7662 §2.1)', () => {
  it('answers an API about a token addressed to it', async () => {
    const { access_token } = await tokensFor(orders.identifier, 'openid orders.read');
    expect(await asApi(orders, access_token)).toMatchObject({
      active: true,
      aud: orders.identifier,
      scope: 'openid orders.read',
      client_id: client.client_id,
      sub: agent.agent_id,
      token_type: 'Bearer',
    });
  });

  it("tells an API nothing about another API's token, a client's own token or a refresh token", async () => {
    const forBilling = await tokensFor(billing.identifier, 'billing.read');
    expect(await asApi(billing, forBilling.access_token)).toMatchObject({ active: true });
    expect(await asApi(orders, forBilling.access_token)).toEqual({ active: false });
    const plain = await obtainTokens(h, client, agent);
    expect(decodeJwt(plain.access_token).aud).toBe(client.client_id);
    expect(await asApi(orders, plain.access_token)).toEqual({ active: false });
    const forOrders = await tokensFor(orders.identifier);
    expect(await asApi(orders, forOrders.refresh_token)).toEqual({ active: false });
    expect(await asApi(orders, 'not-a-token')).toEqual({ active: false });
  });

  it('answers each API named in a token for several, and a client_credentials token', async () => {
    const both = await tokensFor([orders.identifier, billing.identifier]);
    expect(await asApi(orders, both.access_token)).toMatchObject({ active: true });
    expect(await asApi(billing, both.access_token)).toMatchObject({ active: true });
    const response = await tokenRequest(h, service, {
      grant_type: 'client_credentials',
      resource: orders.identifier,
      scope: 'orders.read',
    });
    const { access_token } = (await response.json()) as { access_token: string };
    expect(await asApi(orders, access_token)).toMatchObject({
      active: true,
      sub: service.client_id,
      scope: 'orders.read',
    });
    expect(await asApi(billing, access_token)).toEqual({ active: false });
  });

  it('reports a revoked token inactive, and the client keeps its own rule', async () => {
    const { access_token } = await tokensFor(orders.identifier);
    const byClient = await introspectAs(client.client_id, client.client_secret ?? '', access_token);
    expect(await byClient.json()).toMatchObject({ active: true, aud: orders.identifier });
    const revoked = await h.request('/revoke', {
      method: 'POST',
      headers: {
        authorization: basicAuth(client),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: access_token }).toString(),
    });
    expect(revoked.status).toBe(200);
    expect(await asApi(orders, access_token)).toEqual({ active: false });
  });

  it('takes the credentials in the body too (client_secret_post style)', async () => {
    const { access_token } = await tokensFor(orders.identifier);
    const response = await h.request('/introspect', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: access_token,
        client_id: orders.api_id,
        client_secret: orders.api_secret,
      }).toString(),
    });
    expect(await response.json()).toMatchObject({ active: true, aud: orders.identifier });
  });

  it('refuses an API with a wrong secret, and one posing as a client', async () => {
    const { access_token } = await tokensFor(orders.identifier);
    const wrong = await introspectAs(orders.api_id, 'aa_as_wrong', access_token);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    // An API's credentials are not a client's: they get no token at /token.
    const asClient = await h.request('/token', {
      method: 'POST',
      headers: {
        authorization: basicAuth({
          client_id: orders.api_id,
          client_secret: orders.api_secret,
          redirect_uris: [],
        }),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
    });
    expect(asClient.status).toBe(401);
  });
});

describe('an owner deleted with its APIs', () => {
  it('is refused while it owns an API, unless its objects go too', async () => {
    const owner = await h.createUser();
    const api = await h.createApi(owner.email, { identifier: 'https://gone.example.com' });
    const operator = asOperator(h.db.driver);
    await expect(deleteUser(operator, owner.email, false)).rejects.toThrow(
      'owns 0 agent(s) and 0 website(s), and 1 API(s).',
    );
    expect(await asApi(api, 'not-a-token')).toEqual({ active: false });
    const deleted = await deleteUser(operator, owner.email, true);
    expect(deleted.result).toMatchObject({ apis: 1 });
    const refused = await introspectAs(api.api_id, api.api_secret, 'not-a-token');
    expect(refused.status).toBe(401);
  });
});
