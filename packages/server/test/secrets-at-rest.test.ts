import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/crypto/digest.js';
import { asSuperuser } from './support/database.js';
import { basicAuth, signIn, startAuthorization, tokenRequest } from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  type Harness,
  REDIRECT_URI,
} from './support/harness.js';
import { createSignInWorld } from './support/sign-in-world.js';

let h: Harness;
let client: ClientFixture;
let agent: AgentFixture;
const secrets: string[] = [];

beforeAll(async () => {
  ({ h, client, agent } = await createSignInWorld());
  const started = await startAuthorization(h, client);
  secrets.push(started.requestId, client.client_secret ?? '', agent.agent_secret);
  const { code, verifier } = await signIn(h, client, agent);
  const response = await tokenRequest(h, client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
  });
  const tokens = (await response.json()) as Record<string, string>;
  const refreshed = (await (
    await tokenRequest(h, client, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token ?? '',
    })
  ).json()) as Record<string, string>;
  await h.request('/revoke', {
    method: 'POST',
    headers: {
      authorization: basicAuth(client),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token: refreshed.access_token ?? '' }).toString(),
  });
  secrets.push(
    code,
    verifier,
    tokens.access_token ?? '',
    tokens.refresh_token ?? '',
    refreshed.refresh_token ?? '',
    refreshed.access_token ?? '',
  );
});
afterAll(() => h.dispose());

async function dumpAllTables(): Promise<string> {
  const tables = await asSuperuser<{ tablename: string }>(
    h.db.driver,
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
  );
  const parts: string[] = [];
  for (const { tablename } of tables) {
    const rows = await asSuperuser(h.db.driver, `SELECT * FROM "${tablename}"`);
    parts.push(JSON.stringify(rows));
  }
  return parts.join('\n');
}

describe('what the database holds', () => {
  it('never holds a secret, code, verifier, request id or token in plaintext', async () => {
    const dump = await dumpAllTables();
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(20);
      expect(dump).not.toContain(secret);
    }
  });

  it('holds codes, refresh tokens and request ids as SHA-256 hashes', async () => {
    const [code] = await asSuperuser<{ code_hash: string }>(
      h.db.driver,
      'SELECT code_hash FROM auth_codes LIMIT 1',
    );
    expect(code?.code_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [request] = await asSuperuser<{ n: number }>(
      h.db.driver,
      'SELECT count(*)::int AS n FROM auth_requests WHERE request_hash = $1',
      [sha256(secrets[0] ?? '')],
    );
    expect(request?.n).toBe(1);
  });

  it('holds secrets as PBKDF2-SHA256 with ≥100,000 iterations and a 16-byte salt', async () => {
    const rows = await asSuperuser<{ h: string }>(
      h.db.driver,
      'SELECT secret_hash AS h FROM agents UNION ALL SELECT secret_hash FROM clients WHERE secret_hash IS NOT NULL UNION ALL SELECT password_hash FROM users',
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const { h: stored } of rows) {
      const [scheme, iterations, salt, hash] = stored.split('$');
      expect(scheme).toBe('pbkdf2-sha256');
      expect(Number(iterations)).toBeGreaterThanOrEqual(100_000);
      expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(16);
      expect(Buffer.from(hash ?? '', 'base64url')).toHaveLength(32);
    }
  });
});

describe('what the logs hold', () => {
  it('never contains a secret, code, verifier, request id or token', () => {
    const output = h.logs.join('');
    expect(output).toContain('agent.authentication');
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
