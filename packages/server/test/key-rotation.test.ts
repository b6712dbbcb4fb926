import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JSONWebKeySet,
  jwtVerify,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeyRotation, rotateKeys } from '../src/operations/incident-response.js';
import { asOperator } from '../src/storage/driver.js';
import { asSuperuser } from './support/database.js';
import { obtainTokens, type Tokens, tokenRequest } from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  createHarness,
  type Harness,
} from './support/harness.js';
import { secondInstance } from './support/second-instance.js';

// Publish-then-activate rotation and emergency rotation, seen by two instances of one
// deployment (two server contexts on one database). Short timings: verifiers may cache the
// JWKS for 1 s, and a rotated key signs 6 s after it is published.
const ENV = { JWKS_MAX_AGE: '1', SIGNING_KEY_ACTIVATION_DELAY: '6', ACCESS_TOKEN_TTL: '600' };
const POLL = { timeout: 8_000, interval: 200 };
let a: Harness;
let b: Harness;
let client: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  a = await createHarness(ENV);
  b = await secondInstance(a, ENV);
  const owner = await a.createUser();
  client = await a.createClient(owner.email);
  agent = await a.createAgent(owner.email);
});
afterAll(async () => {
  await b.dispose();
  await a.dispose();
});

const kids = async (h: Harness) =>
  ((await (await h.request('/.well-known/jwks.json')).json()) as JSONWebKeySet).keys.map(
    (k) => k.kid,
  );
const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const userinfo = (h: Harness, token: string) =>
  h.request('/userinfo', { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
const refresh = (h: Harness, tokens: Tokens) =>
  tokenRequest(h, client, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });

describe('rotation without an outage', { timeout: 60_000 }, () => {
  let first: string;
  let before: Tokens;
  let rotation: KeyRotation;

  it('starts with one key that both instances publish and verify', async () => {
    expect(await kids(a)).toEqual(await kids(b));
    [first = ''] = await kids(a);
    before = await obtainTokens(a, client, agent);
    expect(kidOf(before.access_token)).toBe(first);
    expect(await userinfo(b, before.access_token)).toBe(200);
  });

  it('publishes the next key on both instances before it signs anything', async () => {
    const started = Date.now();
    rotation = (await rotateKeys(asOperator(a.db.driver), a.ctx.config, a.secrets, false)).result;
    expect(Date.parse(rotation.signs_from) - started).toBeGreaterThanOrEqual(5_000);
    for (const h of [a, b]) await expect.poll(() => kids(h), POLL).toEqual([rotation.kid, first]);
    expect(Date.now()).toBeLessThan(Date.parse(rotation.signs_from));
    for (const h of [a, b])
      expect(kidOf((await obtainTokens(h, client, agent)).access_token)).toBe(first);
  });

  it('signs with it once its time has come, everywhere, while old tokens still verify', async () => {
    await new Promise((r) => setTimeout(r, Date.parse(rotation.signs_from) - Date.now() + 50));
    for (const h of [a, b]) {
      const fresh = await obtainTokens(h, client, agent);
      expect(kidOf(fresh.access_token)).toBe(rotation.kid);
      expect(await userinfo(h === a ? b : a, fresh.access_token)).toBe(200);
      expect(await userinfo(h, before.access_token)).toBe(200);
    }
    const keys = createLocalJWKSet(
      (await (await b.request('/.well-known/jwks.json')).json()) as JSONWebKeySet,
    );
    await expect(jwtVerify(before.access_token, keys)).resolves.toBeTruthy();
  });

  it('keeps the old key published until every token it signed has expired, then withdraws it', async () => {
    const [row] = await asSuperuser<{ withdraw_at: Date }>(
      a.db.driver,
      'SELECT withdraw_at FROM signing_keys WHERE kid = $1',
      [first],
    );
    const withdrawAt = new Date(row?.withdraw_at ?? 0).getTime();
    // The last token the old key could sign expires ACCESS_TOKEN_TTL after the new key took over.
    expect(withdrawAt).toBeGreaterThanOrEqual(Date.parse(rotation.signs_from) + 600_000);
    expect(withdrawAt).toBeGreaterThan(Number(decodeJwt(before.access_token).exp) * 1000);
    // Time passes: the old key reaches its withdrawal.
    await asSuperuser(a.db.driver, 'UPDATE signing_keys SET withdraw_at = now() WHERE kid = $1', [
      first,
    ]);
    await expect.poll(() => kids(b), POLL).toEqual([rotation.kid]);
    await expect.poll(() => userinfo(a, before.access_token), POLL).toBe(401);
    expect(await userinfo(b, before.access_token)).toBe(401);
  });
});

describe('emergency rotation', { timeout: 60_000 }, () => {
  it('withdraws every other key and revokes every grant at once, on every instance', async () => {
    const old = await obtainTokens(a, client, agent);
    const oldKid = kidOf(old.access_token);
    expect(await userinfo(b, old.access_token)).toBe(200);
    const { result } = await rotateKeys(asOperator(b.db.driver), b.ctx.config, b.secrets, true);
    expect(result.revoked_keys).toBeGreaterThanOrEqual(1);
    expect(result.revoked_grants).toBeGreaterThanOrEqual(1);
    expect(Date.parse(result.signs_from)).toBeLessThanOrEqual(Date.now());
    // Revoked grants end every token at once; the withdrawn key leaves the JWKS.
    expect(await userinfo(a, old.access_token)).toBe(401);
    expect((await refresh(a, old)).status).toBe(400);
    for (const h of [a, b]) await expect.poll(() => kids(h), POLL).toEqual([result.kid]);
    expect(await kids(a)).not.toContain(oldKid);
    await expect
      .poll(async () => kidOf((await obtainTokens(a, client, agent)).access_token), POLL)
      .toBe(result.kid);
    const next = await obtainTokens(b, client, agent);
    expect(kidOf(next.access_token)).toBe(result.kid);
    expect(await userinfo(a, next.access_token)).toBe(200);
  });
});
