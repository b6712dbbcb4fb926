import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConsoleBrowser,
  type ConsoleUser,
  codeById,
  privileged,
  signUp,
} from './support/console.js';
import { basicAuth, signIn, startAuthorization, tokenRequest } from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  type Harness,
  REDIRECT_URI,
} from './support/harness.js';
import { createSignInWorld } from './support/sign-in-world.js';

// The console's APIs section: an owner registers, sees and deletes its APIs (resource servers).
let h: Harness;
let agent: AgentFixture;
let client: ClientFixture;
beforeAll(async () => {
  ({ h, agent, client } = await createSignInWorld());
});
afterAll(() => h.dispose());

let counter = 0;
const uniqueIdentifier = () => `https://api${++counter}.example.com/v1`;

/** Registers an API; on success follows the redirect to its page, where the secret shows. */
async function register(user: ConsoleUser, fields: Record<string, string>) {
  await user.browser.get('/console/apis/new');
  const response = await user.browser.post('/console/apis', fields);
  if (response.status !== 303) return { status: response.status };
  const location = response.headers.get('location') ?? '';
  expect(location).toMatch(/^\/console\/apis\/[0-9a-f-]{36}$/);
  // POST-redirect-GET: the POST's response shows no secret.
  expect(user.browser.lastHtml).not.toContain('aa_as_');
  await user.browser.get(location);
  const html = user.browser.lastHtml;
  return {
    status: 303,
    path: location,
    apiId: codeById(html, 'api-id'),
    apiSecret: codeById(html, 'api-secret'),
  };
}

async function tokenFor(resource: string, scope: string) {
  const { code, verifier } = await signIn(h, client, agent, 'm', { resource, scope });
  const response = await tokenRequest(h, client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

describe('APIs in the console', () => {
  it('registers an API and shows its secret once, after POST-redirect-GET; the secret works', async () => {
    const user = await signUp(h);
    const identifier = uniqueIdentifier();
    const created = await register(user, {
      name: 'Orders',
      identifier,
      scopes: 'orders.read\norders.write',
    });
    expect(created).toMatchObject({
      status: 303,
      apiId: expect.stringMatching(/^api_[0-9a-f]{32}$/),
      apiSecret: expect.stringMatching(/^aa_as_[A-Za-z0-9_-]{43}$/),
    });
    expect(user.browser.lastHtml).toContain('data-one-time-secret');
    // A reload shows it no more.
    await user.browser.get(created.path ?? '');
    expect(user.browser.lastHtml).not.toContain(created.apiSecret);
    expect(user.browser.lastHtml).toContain(identifier);
    expect(user.browser.lastHtml).toContain('orders.read orders.write');

    const token = await tokenFor(identifier, 'orders.write');
    const introspected = await h.request('/introspect', {
      method: 'POST',
      headers: {
        authorization: basicAuth({
          client_id: created.apiId ?? '',
          client_secret: created.apiSecret ?? '',
          redirect_uris: [],
        }),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(await introspected.json()).toMatchObject({
      active: true,
      aud: identifier,
      scope: 'orders.write',
    });
    await user.browser.get('/console/apis');
    expect(user.browser.lastHtml).toContain(created.apiId);
  });

  it('refuses a malformed identifier, a taken one, and OpenID Connect scopes', async () => {
    const user = await signUp(h);
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ identifier: 'not-a-uri#frag' }, /must not have a fragment/],
      [{ identifier: '/relative/api' }, /must be an absolute URI/],
      [{ identifier: uniqueIdentifier(), scopes: 'openid' }, /openid is an OpenID Connect scope/],
      [{ identifier: uniqueIdentifier(), scopes: 'a"b' }, /A scope is/],
      [{ identifier: uniqueIdentifier(), name: '' }, /The name must be/],
    ];
    for (const [fields, message] of cases) {
      const result = await register(user, { name: 'API', scopes: '', ...fields });
      expect(result.status, JSON.stringify(fields)).toBe(400);
      expect(user.browser.lastHtml).toMatch(message);
    }
    const identifier = uniqueIdentifier();
    expect((await register(user, { name: 'First', identifier })).status).toBe(303);
    const other = await signUp(h);
    expect((await register(other, { name: 'Second', identifier })).status).toBe(400);
    expect(other.browser.lastHtml).toContain('already registered');
  });

  it("keeps each owner's APIs to itself", async () => {
    const owner = await signUp(h);
    const created = await register(owner, { name: 'Private', identifier: uniqueIdentifier() });
    const stranger = await signUp(h);
    await stranger.browser.get('/console/apis');
    expect(stranger.browser.lastHtml).not.toContain(created.apiId);
    expect((await stranger.browser.get(created.path ?? '')).status).toBe(404);
    expect((await stranger.browser.get(`${created.path}/delete`)).status).toBe(404);
    await stranger.browser.get('/console/apis');
    expect((await stranger.browser.post(`${created.path}/delete`, { confirm: 'yes' })).status).toBe(
      404,
    );
    expect((await owner.browser.get(created.path ?? '')).status).toBe(200);
  });

  it('deletes an API after confirmation; its identifier is then an unknown resource', async () => {
    const user = await signUp(h);
    const identifier = uniqueIdentifier();
    const created = await register(user, { name: 'Short-lived', identifier });
    expect((await user.browser.get(`${created.path}/delete`)).status).toBe(200);
    expect(user.browser.lastHtml).toContain('Delete Short-lived?');
    // Without the confirmation page's CSRF token nothing is deleted.
    const forged = new ConsoleBrowser(h);
    for (const [name, value] of user.browser.cookies) forged.cookies.set(name, value);
    expect((await forged.post(`${created.path}/delete`, {}, { csrf: null })).status).toBe(403);
    // A post without the confirming form's field deletes nothing: it is sent to the question.
    const unconfirmed = await user.browser.post(`${created.path}/delete`);
    expect(unconfirmed.headers.get('location')).toBe(`${created.path}/delete`);
    await user.browser.get(`${created.path}/delete`);
    const deleted = await user.browser.post(`${created.path}/delete`, { confirm: 'yes' });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/console/apis?done=api-deleted');
    expect((await user.browser.get(created.path ?? '')).status).toBe(404);
    const started = await startAuthorization(h, client, { resource: identifier });
    const location = new URL(started.response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('invalid_target');
    // Both changes are in the security log as the owner's actions, like a website's.
    await h.ctx.security.flush();
    const actions = await privileged<{ action: string; owner: boolean }>(
      h,
      `SELECT e.details->>'action' AS action, u.id = ANY (e.owner_ids) AS owner
       FROM security_events e JOIN users u ON lower(u.email) = lower($2)
       WHERE e.event = 'owner.action' AND e.target_type = 'api' AND e.target_id = $1
       ORDER BY e.id`,
      [created.apiId, user.email],
    );
    expect(actions).toEqual([
      { action: 'api.create', owner: true },
      { action: 'api.delete', owner: true },
    ]);
  });
});
