import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/crypto/digest.js';
import { asSuperuser } from './support/database.js';
import { obtainTokens, type Tokens, tokenRequest } from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  createHarness,
  type Harness,
} from './support/harness.js';
import { createSignInWorld } from './support/sign-in-world.js';

// RFC 9700 §4.14: a client that lost the answer to a refresh and sends the same token again,
// within REFRESH_RETRY_WINDOW, gets the same new refresh token; any other reuse still revokes
// the family (docs/operations-runtime.md, "Refresh retries").
let h: Harness;
let client: ClientFixture;
let otherClient: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  const world = await createSignInWorld({ env: { REFRESH_RETRY_WINDOW: '10' } });
  ({ h, client, agent } = world);
  otherClient = await h.createClient(world.owner.email, { name: 'Other Website' });
});
afterAll(() => h.dispose());

const refresh = (token: string, as: ClientFixture = client) =>
  tokenRequest(h, as, { grant_type: 'refresh_token', refresh_token: token });

async function refreshed(token: string): Promise<Tokens> {
  const response = await refresh(token);
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

async function expectFamilyRevoked(tokens: { refresh_token: string }) {
  const response = await refresh(tokens.refresh_token);
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
}

/** Moves a spent token's rotation into the past, as if the retry came that much later. */
function rotatedAgo(token: string, seconds: number) {
  return asSuperuser(
    h.db.driver,
    `UPDATE refresh_tokens SET rotated_at = now() - make_interval(secs => $2) WHERE token_hash = $1`,
    [sha256(token), seconds],
  );
}

describe('a refresh retried after its answer was lost', () => {
  it('gets the same new refresh token (and a fresh access token), and the family lives on', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const lost = await refreshed(tokens.refresh_token);
    const retried = await refreshed(tokens.refresh_token);
    expect(retried.refresh_token).toBe(lost.refresh_token);
    expect(retried.access_token).not.toBe(tokens.access_token);
    // The successor works, once: the family was not revoked.
    const next = await refreshed(retried.refresh_token);
    expect(next.refresh_token).not.toBe(retried.refresh_token);
    const events = h.logs.filter((l) => l.includes('"security_event":"token.refresh"'));
    expect(events.some((l) => l.includes('"retry":true'))).toBe(true);
  });

  it('is answered the same pair when the retry races the first request', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const answers = await Promise.all([1, 2, 3, 4].map(() => refresh(tokens.refresh_token)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const successors = new Set(
      await Promise.all(answers.map(async (r) => ((await r.json()) as Tokens).refresh_token)),
    );
    expect(successors.size).toBe(1);
    const [row] = await asSuperuser<{ n: number }>(
      h.db.driver,
      `SELECT count(*)::int AS n FROM refresh_tokens WHERE grant_id =
         (SELECT grant_id FROM refresh_tokens WHERE token_hash = $1)`,
      [sha256(tokens.refresh_token)],
    );
    expect(row?.n).toBe(2);
  });

  it('still revokes the family when the token comes back after the window', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const successor = await refreshed(tokens.refresh_token);
    await rotatedAgo(tokens.refresh_token, 11);
    await expectFamilyRevoked(tokens);
    await expectFamilyRevoked(successor);
  });

  it('still revokes the family when the successor was already used (the answer was not lost)', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const successor = await refreshed(tokens.refresh_token);
    const third = await refreshed(successor.refresh_token);
    await expectFamilyRevoked(tokens);
    await expectFamilyRevoked(third);
  });

  it('gives another client nothing, even inside the window', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const successor = await refreshed(tokens.refresh_token);
    const stolen = await refresh(tokens.refresh_token, otherClient);
    expect(stolen.status).toBe(400);
    expect(JSON.stringify(await stolen.json())).not.toContain(successor.refresh_token);
  });

  it('stores only hashes: neither the successor nor the presented token is in the database', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const successor = await refreshed(tokens.refresh_token);
    const dump = JSON.stringify(await asSuperuser(h.db.driver, 'SELECT * FROM refresh_tokens'));
    expect(dump).not.toContain(tokens.refresh_token);
    expect(dump).not.toContain(successor.refresh_token);
    expect(dump).toContain(sha256(successor.refresh_token));
  });
});

describe('REFRESH_RETRY_WINDOW=0', () => {
  it('treats any second use as reuse and revokes the family', async () => {
    const strict = await createHarness({ REFRESH_RETRY_WINDOW: '0' }, { db: h.db });
    const tokens = await obtainTokens(strict, client, agent);
    const first = await tokenRequest(strict, client, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    const successor = (await first.json()) as Tokens;
    const again = await tokenRequest(strict, client, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    });
    expect(again.status).toBe(400);
    const after = await tokenRequest(strict, client, {
      grant_type: 'refresh_token',
      refresh_token: successor.refresh_token,
    });
    expect(after.status).toBe(400);
  });
});
