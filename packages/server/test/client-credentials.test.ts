import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSuperuser } from './support/database.js';
import { basicAuth } from './support/flow.js';
import { type ClientFixture, createHarness, type Harness } from './support/harness.js';

// RFC 6749 §4.4: a client acting for itself.
let h: Harness;
let service: ClientFixture;
let website: ClientFixture;
let spa: ClientFixture;

beforeAll(async () => {
  h = await createHarness();
  const owner = await h.createUser();
  service = await h.createClient(owner.email, { name: 'Service', clientCredentials: true });
  website = await h.createClient(owner.email, { name: 'Website' });
  spa = await h.createClient(owner.email, { name: 'SPA', public: true });
});
afterAll(() => h.dispose());

function form(client: ClientFixture | undefined, params: Record<string, string>, path = '/token') {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (client?.client_secret) headers.authorization = basicAuth(client);
  return h.request(path, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
}

const grant = { grant_type: 'client_credentials' };

async function introspect(token: string) {
  return (await (await form(service, { token }, '/introspect')).json()) as Record<string, unknown>;
}

describe('client_credentials', () => {
  it('gives a client that registered the grant a token for itself, and no refresh token', async () => {
    const response = await form(service, grant);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(body).not.toHaveProperty('refresh_token');
    const claims = decodeJwt(body.access_token as string);
    expect(claims).toMatchObject({ sub: service.client_id, client_id: service.client_id });
    expect(claims).not.toHaveProperty('model');
  });

  it('is introspected and revoked like any other token, and speaks for no agent at userinfo', async () => {
    const { access_token } = (await (await form(service, grant)).json()) as {
      access_token: string;
    };
    expect(await introspect(access_token)).toMatchObject({ active: true, sub: service.client_id });
    const userinfo = await h.request('/userinfo', {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(userinfo.status).toBe(403);
    expect(userinfo.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect((await form(service, { token: access_token }, '/revoke')).status).toBe(200);
    expect(await introspect(access_token)).toEqual({ active: false });
  });

  it('stops working when the client is disabled', async () => {
    const { access_token } = (await (await form(service, grant)).json()) as {
      access_token: string;
    };
    await asSuperuser(h.db.driver, 'UPDATE clients SET disabled_at = now() WHERE client_id = $1', [
      service.client_id,
    ]);
    try {
      // Its own client can no longer authenticate, and the token's grant is inactive.
      expect((await form(service, { token: access_token }, '/introspect')).status).toBe(401);
      const claims = decodeJwt(access_token);
      const [row] = await asSuperuser<{ active: boolean }>(
        h.db.driver,
        'SELECT s.active FROM oauth_access_state($1, $2) s',
        [claims.jti, claims.gid],
      );
      expect(row?.active).toBe(false);
    } finally {
      await asSuperuser(h.db.driver, 'UPDATE clients SET disabled_at = NULL WHERE client_id = $1', [
        service.client_id,
      ]);
    }
  });

  it('refuses a confidential client that did not register the grant', async () => {
    const response = await form(website, grant);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unauthorized_client' });
  });

  it('refuses a public client (RFC 6749 §4.4: confidential clients only)', async () => {
    const response = await form(undefined, { ...grant, client_id: spa.client_id });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'unauthorized_client' });
  });

  it('refuses a wrong secret with invalid_client', async () => {
    const response = await form({ ...service, client_secret: 'aa_cs_wrong' }, grant);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses scopes that describe a person', async () => {
    const response = await form(service, { ...grant, scope: 'openid email' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_scope' });
  });
});
