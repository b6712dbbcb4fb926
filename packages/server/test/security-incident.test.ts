import { decodeProtectedHeader } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../src/cli/command-line.js';
import { findCommand } from '../src/cli/command-table.js';
import { executeStep } from '../src/cli/execute-step.js';
import { HOOK_TIMEOUT, runCli, type SecurityHarness, securityHarness } from './security-helpers.js';
import { consoleLogin } from './support/console.js';
import { backend } from './support/database.js';
import { authenticate, obtainTokens, startAuthorization, tokenRequest } from './support/flow.js';
import { type AgentFixture, type ClientFixture, REDIRECT_URI } from './support/harness.js';

/** Spawning the CLI takes about a second per command. */
const SLOW = 60_000;
/** What the servers and the CLI share: the key that seals signing keys, and the timings. */
const SHARED = {
  KEY_ENCRYPTION_KEY: 'incident-test-key-Zq8vN3xR7pL2mW9tB4yK6cH1jF5dG0sA',
  JWKS_MAX_AGE: '1',
  SIGNING_KEY_ACTIVATION_DELAY: '3',
};
let h: SecurityHarness;
let owner: { id: string; email: string; password: string };
let client: ClientFixture;

/**
 * On PostgreSQL the real `auth-agent` binary runs against the server's database while the
 * server keeps running. This harness's embedded database lives in memory, so there the same
 * command parsing and steps run in-process on it (the real binary reaching a running
 * embedded server through its control socket is cli-commands-*.test.ts).
 */
async function cli(...args: string[]): Promise<Record<string, unknown>> {
  if (backend === 'postgres') {
    const run = await runCli(args, { DATABASE_URL: h.db.url ?? '', ...SHARED });
    if (run.code !== 0) throw new Error(`auth-agent ${args.join(' ')}: ${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  }
  const found = findCommand(args);
  const line = found && parseCommandLine(found.command, found.args);
  if (!found || !line || line === 'help') throw new Error(`not a command: ${args.join(' ')}`);
  const host = { db: h.db.driver, config: h.ctx.config, log: h.ctx.security.log };
  const input = await found.command.prepare(line);
  const { result } = await executeStep(found.command, input, host, 'test');
  return result as Record<string, unknown>;
}

const userinfo = (token: string) =>
  h.request('/userinfo', { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const POLL = { timeout: 10_000, interval: 250 };
const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const publishedKids = async () =>
  (
    (await (await h.request('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] }
  ).keys.map((k) => k.kid);

async function signInStatus(agent: AgentFixture, secret: string) {
  const started = await startAuthorization(h, client);
  const response = await authenticate(h, {
    request_id: started.requestId,
    agent_id: agent.agent_id,
    agent_secret: secret,
    model: 'm',
  });
  return response.status;
}

async function cliEvents(event: string) {
  return (await h.events({ event })).filter((e) => e.actorType === 'cli');
}

beforeAll(async () => {
  h = await securityHarness({ ...SHARED, LOCKOUT_MAX_FAILURES: '2' });
  owner = await h.createUser();
  client = await h.createClient(owner.email);
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

describe('keys rotate', () => {
  it(
    'publishes the next key before it signs; --emergency withdraws the rest and revokes every grant',
    async () => {
      const agent = await h.createAgent(owner.email);
      const before = await obtainTokens(h, client, agent);
      const rotated = await cli('keys', 'rotate');
      expect(Date.parse(String(rotated.signs_from))).toBeGreaterThan(Date.now());
      await expect.poll(publishedKids, POLL).toContain(rotated.kid);
      expect(kidOf((await obtainTokens(h, client, agent)).access_token)).not.toBe(rotated.kid);
      await sleep(Date.parse(String(rotated.signs_from)) - Date.now() + 50);
      const after = await obtainTokens(h, client, agent);
      expect(kidOf(after.access_token)).toBe(rotated.kid);
      expect(await userinfo(before.access_token)).toBe(200);
      expect(await userinfo(after.access_token)).toBe(200);

      const fresh = await cli('keys', 'rotate', '--emergency');
      expect(fresh.revoked_keys).toBe(2);
      expect(fresh.revoked_grants).toBeGreaterThanOrEqual(3);
      expect(await userinfo(before.access_token)).toBe(401);
      expect(await userinfo(after.access_token)).toBe(401);
      await expect.poll(publishedKids, POLL).toEqual([fresh.kid]);
      const next = await obtainTokens(h, client, agent);
      expect(kidOf(next.access_token)).toBe(fresh.kid);
      expect(await userinfo(next.access_token)).toBe(200);
      expect(await cliEvents('admin.keys_rotated')).toHaveLength(2);
    },
    SLOW,
  );

  it(
    '--revoke-all is the emergency rotation under its earlier name',
    async () => {
      const agent = await h.createAgent(owner.email);
      const before = await obtainTokens(h, client, agent);
      const fresh = await cli('keys', 'rotate', '--revoke-all');
      expect(fresh.revoked_grants).toBeGreaterThanOrEqual(1);
      expect(await userinfo(before.access_token)).toBe(401);
      // The server signs with the new key once its key ring has read it (within 2 s).
      await expect.poll(publishedKids, POLL).toEqual([fresh.kid]);
    },
    SLOW,
  );
});

describe('tokens revoke', () => {
  it(
    'revokes one agent, one client, one owner, or everything',
    async () => {
      const other = await h.createUser();
      const otherClient = await h.createClient(other.email);
      const a = await h.createAgent(owner.email);
      const b = await h.createAgent(other.email);
      const ta = await obtainTokens(h, client, a);
      const tb = await obtainTokens(h, client, b);
      const tc = await obtainTokens(h, otherClient, b);

      expect(await cli('tokens', 'revoke', '--agent', a.agent_id)).toEqual({ revoked_grants: 1 });
      expect([await userinfo(ta.access_token), await userinfo(tb.access_token)]).toEqual([
        401, 200,
      ]);
      const refresh = await tokenRequest(h, client, {
        grant_type: 'refresh_token',
        refresh_token: ta.refresh_token,
      });
      expect(refresh.status).toBe(400);

      expect(await cli('tokens', 'revoke', '--client', otherClient.client_id)).toEqual({
        revoked_grants: 1,
      });
      expect([await userinfo(tb.access_token), await userinfo(tc.access_token)]).toEqual([
        200, 401,
      ]);

      const td = await obtainTokens(h, otherClient, b);
      expect(await cli('tokens', 'revoke', '--user', other.email.toUpperCase())).toEqual({
        revoked_grants: 2,
      });
      expect([await userinfo(tb.access_token), await userinfo(td.access_token)]).toEqual([
        401, 401,
      ]);

      const te = await obtainTokens(h, client, a);
      const all = await cli('tokens', 'revoke', '--all');
      expect(all.revoked_grants).toBeGreaterThanOrEqual(1);
      expect(await userinfo(te.access_token)).toBe(401);
      expect(await cliEvents('admin.tokens_revoked')).toHaveLength(4);
    },
    SLOW,
  );

  it(
    'refuses an ambiguous or empty selection',
    async () => {
      await expect(cli('tokens', 'revoke')).rejects.toThrow(/exactly one of/);
      await expect(cli('tokens', 'revoke', '--all', '--agent', 'x')).rejects.toThrow(/exactly one/);
    },
    SLOW,
  );
});

describe('rotate-secret', () => {
  it(
    'gives an agent a new secret; the old one stops working at once',
    async () => {
      const agent = await h.createAgent(owner.email);
      expect(await signInStatus(agent, agent.agent_secret)).toBe(200);
      const rotated = await cli('agent', 'rotate-secret', agent.agent_id);
      expect(rotated.agent_secret).toMatch(/^aa_sk_/);
      expect(await signInStatus(agent, agent.agent_secret)).toBe(401);
      expect(await signInStatus(agent, String(rotated.agent_secret))).toBe(200);
    },
    SLOW,
  );

  it(
    'gives a client a new secret; the old one stops working at once',
    async () => {
      const website = await h.createClient(owner.email);
      const probe = (secret: string) =>
        tokenRequest(
          h,
          { ...website, client_secret: secret },
          {
            grant_type: 'authorization_code',
            code: 'bogus',
            redirect_uri: REDIRECT_URI,
            code_verifier: 'v'.repeat(43),
          },
        ).then((r) => r.status);
      expect(await probe(website.client_secret ?? '')).toBe(400);
      const rotated = await cli('client', 'rotate-secret', website.client_id);
      expect(rotated.client_secret).toMatch(/^aa_cs_/);
      expect(await probe(website.client_secret ?? '')).toBe(401);
      expect(await probe(String(rotated.client_secret))).toBe(400);
      expect(await cliEvents('admin.secret_rotated')).toHaveLength(2);
      await expect(cli('client', 'rotate-secret', 'client_unknown')).rejects.toThrow(
        /No confidential client/,
      );
    },
    SLOW,
  );
});

describe('unlock', () => {
  it(
    'unlocks an agent, a client and a user account',
    async () => {
      const agent = await h.createAgent(owner.email);
      await signInStatus(agent, 'wrong');
      await signInStatus(agent, 'wrong');
      expect(await signInStatus(agent, agent.agent_secret)).toBe(403);
      expect(await cli('agent', 'unlock', agent.agent_id)).toEqual({ unlocked: true });
      expect(await signInStatus(agent, agent.agent_secret)).toBe(200);

      const exchange = (secret: string) =>
        tokenRequest(
          h,
          { ...client, client_secret: secret },
          {
            grant_type: 'refresh_token',
            refresh_token: 'r'.repeat(43),
          },
        ).then((r) => r.status);
      await exchange('wrong');
      await exchange('wrong');
      expect(await exchange(client.client_secret ?? '')).toBe(401);
      expect(await cli('client', 'unlock', client.client_id)).toEqual({ unlocked: true });
      expect(await exchange(client.client_secret ?? '')).toBe(400);

      // Console log-in checks passwords through the same lockout (case and spacing of the
      // email do not make another counter).
      const login = (password: string, email = owner.email) =>
        consoleLogin(h, email, password).then((r) => r.status);
      await login('wrong password 1');
      await login('wrong password 2', ` ${owner.email.toUpperCase()}`);
      expect(await login(owner.password)).toBe(401);
      expect(await cli('user', 'unlock', owner.email)).toEqual({ unlocked: true });
      expect(await login(owner.password)).toBe(303);
      expect(await cliEvents('admin.unlocked')).toHaveLength(3);
    },
    SLOW,
  );
});

describe('sessions revoke', () => {
  it(
    'ends every console session, and says so when there is no session table yet',
    async () => {
      const tableExists = await h.db.driver.query(
        "SELECT 1 FROM pg_class WHERE relname = 'console_sessions'",
      );
      if (tableExists.length === 0 && h.db.url) {
        // Stand in for 003_console.sql's table, as the schema owner would have created it.
        const owner_ = new pg.Client({ connectionString: h.db.url });
        await owner_.connect();
        await owner_.query(`CREATE TABLE console_sessions (id_hash text PRIMARY KEY,
        user_id uuid NOT NULL, expires_at timestamptz NOT NULL)`);
        await owner_.query(
          "INSERT INTO console_sessions VALUES ('a', $1, now() + interval '1 hour'), ('b', $1, now() + interval '1 hour')",
          [owner.id],
        );
        await owner_.end();
        expect(await cli('sessions', 'revoke', '--all')).toEqual({ revoked_sessions: 2 });
      } else if (tableExists.length === 0) {
        expect(await cli('sessions', 'revoke', '--all')).toEqual({
          revoked_sessions: null,
          note: 'This database has no console sessions table yet.',
        });
      } else {
        expect(typeof (await cli('sessions', 'revoke', '--all')).revoked_sessions).toBe('number');
      }
      expect(await cliEvents('admin.sessions_revoked')).toHaveLength(1);
      await expect(cli('sessions', 'revoke')).rejects.toThrow(/--all/);
    },
    SLOW,
  );
});
