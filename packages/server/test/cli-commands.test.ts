import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/cli/command-table.js';
import { type CliServer, startCliServer } from './support/cli-server.js';
import { ConsoleBrowser, consoleLogin, strongPassword } from './support/console.js';
import { backend } from './support/database.js';
import {
  authenticate,
  basicAuth,
  obtainTokens,
  signIn as signInWith,
  startAuthorization,
  tokenRequest,
} from './support/flow.js';
import { type AgentFixture, type ClientFixture, REDIRECT_URI } from './support/harness.js';

/**
 * Every database command of the CLI, run as the real binary next to a running server, and
 * checked by its effect on that server (embedded: through its control socket; PostgreSQL:
 * directly). The last test reads the security events the commands left.
 */
const SLOW = 120_000;
let s: CliServer;
const ran = new Set<string>();
const admin = { email: 'admin@example.com', password: strongPassword() };
const owner = { email: 'owner@example.com', password: '' };
let agent: AgentFixture;
let site: ClientFixture;

/** Runs a command that must succeed (see CliServer.json) and notes which command it was. */
async function cli<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const found = COMMANDS.find((c) => args.join(' ').startsWith(c.name));
  if (found) ran.add(found.name);
  return s.json<T>(...args);
}

const userinfo = (token: string) =>
  s.remote
    .request('/userinfo', { headers: { authorization: `Bearer ${token}` } })
    .then((r) => r.status);
const signIn = async (id: string, secret: string) => {
  const started = await startAuthorization(s.remote, site);
  const response = await authenticate(s.remote, {
    request_id: started.requestId,
    agent_id: id,
    agent_secret: secret,
    model: 'm',
  });
  return response.status;
};
/** A token request that authenticates the client and then fails on the bogus grant (400). */
const clientStatus = (client: ClientFixture, secret: string) =>
  tokenRequest(
    s.remote,
    { ...client, client_secret: secret },
    { grant_type: 'refresh_token', refresh_token: 'r'.repeat(43) },
  ).then((r) => r.status);
const login = (email: string, password: string) =>
  consoleLogin(s.remote, email, password).then((r) => r.status);

beforeAll(async () => {
  s = await startCliServer();
}, SLOW);
afterAll(() => s.dispose());

describe('auth-agent next to a running server', () => {
  it(
    'creates the administrator first, then an owner, an agent and a website; lists them',
    async () => {
      const created = await s.cli(
        ['user', 'create', '--email', admin.email, '--admin', '--password-stdin'],
        admin.password,
      );
      expect(created.stderr).toBe(`${s.storageLine}\n`);
      ran.add('user create');
      expect(await login(admin.email, admin.password)).toBe(303);
      owner.password = (
        await cli<{ password: string }>('user', 'create', '--email', owner.email)
      ).password;
      expect(await login(owner.email, owner.password)).toBe(303);

      agent = await cli<AgentFixture>(
        ...['agent', 'create', '--owner', owner.email, '--email', 'pat@example.com'],
        ...['--label', 'Research bot', '--name', 'Pat Doe'],
      );
      site = await cli<ClientFixture>(
        ...['client', 'create', '--owner', owner.email, '--name', 'Shop'],
        ...['--redirect-uri', REDIRECT_URI],
      );
      expect((await obtainTokens(s.remote, site, agent)).access_token).toBeTruthy();

      const users = await cli<Array<Record<string, unknown>>>('user', 'list', '--json');
      expect(users.map((u) => [u.email, u.role, u.agent_count, u.client_count])).toEqual([
        [admin.email, 'admin', 0, 0],
        [owner.email, 'user', 1, 1],
      ]);
      expect(await cli('agent', 'list', '--json', '--owner', owner.email)).toEqual([
        expect.objectContaining({
          agent_id: agent.agent_id,
          label: 'Research bot',
          user_name: 'Pat Doe',
          owner_email: owner.email,
          locked: false,
        }),
      ]);
      expect(await cli('agent', 'list', '--json', '--owner', admin.email)).toEqual([]);
      const table = await s.cli(['website', 'list']);
      expect(table.stdout.split('\n')[0]).toMatch(/^CLIENT_ID\s+NAME\s+TYPE\s+OWNER/);
      expect(table.stdout).toContain(`${site.client_id}  Shop`);
      ran.add('client list');
    },
    SLOW,
  );

  it(
    'unlocks an agent, a website and an account that wrong secrets locked',
    async () => {
      for (let i = 0; i < 2; i++) await signIn(agent.agent_id, 'wrong');
      expect(await signIn(agent.agent_id, agent.agent_secret)).toBe(403);
      expect(await cli('agent', 'list', '--json')).toEqual([
        expect.objectContaining({ agent_id: agent.agent_id, locked: true }),
      ]);
      expect(await cli('agent', 'unlock', agent.agent_id)).toEqual({ unlocked: true });
      expect(await signIn(agent.agent_id, agent.agent_secret)).toBe(200);

      for (let i = 0; i < 2; i++) await clientStatus(site, 'wrong');
      expect(await clientStatus(site, site.client_secret ?? '')).toBe(401);
      expect(await cli('client', 'unlock', site.client_id)).toEqual({ unlocked: true });
      expect(await clientStatus(site, site.client_secret ?? '')).toBe(400);

      for (let i = 0; i < 2; i++) await login(owner.email, 'wrong password here');
      expect(await login(owner.email, owner.password)).toBe(401);
      expect(await cli('user', 'unlock', owner.email)).toEqual({ unlocked: true });
      expect(await login(owner.email, owner.password)).toBe(303);
    },
    SLOW,
  );

  it(
    'rotates an agent and a website secret: the old one fails at once, the new one works',
    async () => {
      const { agent_secret } = await cli<AgentFixture>('agent', 'rotate-secret', agent.agent_id);
      expect(await signIn(agent.agent_id, agent.agent_secret)).toBe(401);
      expect(await signIn(agent.agent_id, agent_secret)).toBe(200);
      agent = { ...agent, agent_secret };

      const { client_secret } = await cli<ClientFixture>('client', 'rotate-secret', site.client_id);
      expect(await clientStatus(site, site.client_secret ?? '')).toBe(401);
      expect(await clientStatus(site, client_secret ?? '')).toBe(400);
      site = { ...site, client_secret };
    },
    SLOW,
  );

  it(
    'revokes tokens by agent, website, owner and all; ends console sessions',
    async () => {
      // The first also revokes the grant of the first test; each later one has one grant left.
      for (const scope of [
        ['--agent', agent.agent_id],
        ['--client', site.client_id],
        ['--user', owner.email],
        ['--all'],
      ]) {
        const tokens = await obtainTokens(s.remote, site, agent);
        expect(await userinfo(tokens.access_token)).toBe(200);
        const { revoked_grants } = await cli<{ revoked_grants: number }>(
          ...['tokens', 'revoke', ...scope],
        );
        expect(revoked_grants).toBe(scope[0] === '--agent' ? 2 : 1);
        expect(await userinfo(tokens.access_token), scope.join(' ')).toBe(401);
      }

      const browser = new ConsoleBrowser(s.remote);
      await browser.get('/console/login');
      await browser.post('/console/login', { email: admin.email, password: admin.password });
      expect((await browser.get('/console')).status).toBe(200);
      const { revoked_sessions } = await cli<{ revoked_sessions: number }>(
        ...['sessions', 'revoke', '--all'],
      );
      expect(revoked_sessions).toBeGreaterThanOrEqual(1);
      expect((await browser.get('/console')).status).toBe(303);
    },
    SLOW,
  );

  it(
    'rotates the signing key through whatever holds the database; --emergency ends old tokens',
    async () => {
      const kids = async () =>
        (
          (await (await s.remote.request('/.well-known/jwks.json')).json()) as {
            keys: { kid: string }[];
          }
        ).keys.map((k) => k.kid);
      const before = await obtainTokens(s.remote, site, agent);
      const rotated = await cli<{ kid: string; signs_from: string }>('keys', 'rotate');
      // Published at once through the embedded server; a PostgreSQL server re-reads its key
      // set within 2 s. It signs once SIGNING_KEY_ACTIVATION_DELAY (2 s here) has passed.
      await expect.poll(kids, { timeout: 5_000, interval: 100 }).toContain(rotated.kid);
      const wait = Date.parse(rotated.signs_from) - Date.now() + 100;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
      const after = await obtainTokens(s.remote, site, agent);
      expect(decodeProtectedHeader(after.access_token).kid).toBe(rotated.kid);
      expect(await userinfo(before.access_token)).toBe(200);
      const emergency = await cli<{ kid: string }>('keys', 'rotate', '--emergency');
      expect(await userinfo(after.access_token)).toBe(401);
      // A PostgreSQL server signs with its old key set until it re-reads it (within 2 s):
      // the next tests' tokens must not be signed with a key this rotation withdrew.
      await expect.poll(kids, { timeout: 5_000, interval: 100 }).toEqual([emergency.kid]);
      expect(await cli('migrate')).toMatchObject({ migrated: true });
    },
    SLOW,
  );

  it(
    'makes an initial access token, and gives a client that registered itself an owner',
    async () => {
      const made = await cli('registration-token', 'create', '--uses', '2', '--ttl', '600');
      expect(made).toMatchObject({
        initial_access_token: expect.stringMatching(/^aa_iat_[A-Za-z0-9_-]{43}$/),
        uses: 2,
      });
      const response = await s.remote.request('/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'Walk-in', redirect_uris: [REDIRECT_URI] }),
      });
      expect(response.status).toBe(201);
      const registered = (await response.json()) as Record<string, string>;
      const clientId = registered.client_id ?? '';
      const claim = (token: string) =>
        s.cli(['client', 'claim', '--owner', admin.email, '--client-id', clientId], `${token}\n`);
      ran.add('client claim');
      const wrong = await claim('aa_rat_wrong');
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('No unclaimed');
      const claimed = await claim(registered.registration_access_token ?? '');
      expect(claimed.code).toBe(0);
      expect(JSON.parse(claimed.stdout)).toEqual({
        client_id: clientId,
        owner: admin.email,
        claimed: true,
      });
      const listed = await cli<Array<{ client_id: string }>>(
        'client',
        'list',
        '--owner',
        admin.email,
        '--json',
      );
      expect(listed.map((c) => c.client_id)).toEqual([clientId]);
      // The registration access token stopped working when the client got an owner.
      const read = await s.remote.request(`/register/${clientId}`, {
        headers: { authorization: `Bearer ${registered.registration_access_token}` },
      });
      expect(read.status).toBe(401);
      expect(await cli('client', 'delete', clientId)).toEqual({ deleted: clientId });
    },
    SLOW,
  );

  it(
    'registers an API, lists it, rotates its secret and deletes it (RFC 8707 resource)',
    async () => {
      const identifier = 'https://mcp.example.com/mcp';
      const api = await cli<{ api_id: string; api_secret: string; scopes: string[] }>(
        ...['api', 'create', '--owner', owner.email, '--identifier', identifier],
        ...['--name', 'Tools', '--scope', 'tools.read', '--scope', 'tools.call'],
      );
      expect(api).toMatchObject({
        api_id: expect.stringMatching(/^api_[0-9a-f]{32}$/),
        api_secret: expect.stringMatching(/^aa_as_[A-Za-z0-9_-]{43}$/),
        identifier,
        scopes: ['tools.read', 'tools.call'],
        owner: owner.email,
      });
      const tokenFor = async (resource: string) => {
        const { code, verifier } = await signInWith(s.remote, site, agent, 'm', {
          resource,
          scope: 'tools.read',
        });
        return tokenRequest(s.remote, site, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT_URI,
          code_verifier: verifier,
        });
      };
      const issued = (await (await tokenFor(identifier)).json()) as { access_token: string };
      expect(decodeJwt(issued.access_token)).toMatchObject({
        aud: identifier,
        scope: 'tools.read',
      });
      // A token issued just before each question: on PostgreSQL the server re-reads its key
      // set within 2 s of the previous test's emergency rotation, and a token signed before
      // that by the withdrawn key would stop verifying mid-test.
      const introspect = async (secret: string) => {
        const fresh = (await (await tokenFor(identifier)).json()) as { access_token: string };
        const r = await s.remote.request('/introspect', {
          method: 'POST',
          headers: {
            authorization: basicAuth({ ...site, client_id: api.api_id, client_secret: secret }),
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({ token: fresh.access_token }).toString(),
        });
        return [r.status, ((await r.json()) as { active?: boolean }).active];
      };
      expect(await introspect(api.api_secret)).toEqual([200, true]);

      expect(await cli('api', 'list', '--json', '--owner', owner.email)).toEqual([
        expect.objectContaining({ api_id: api.api_id, identifier, locked: false }),
      ]);
      const table = await s.cli(['api', 'list']);
      expect(table.stdout.split('\n')[0]).toMatch(/^API_ID\s+IDENTIFIER\s+NAME\s+SCOPES/);
      expect(table.stdout).toContain(`${api.api_id}  ${identifier}`);
      ran.add('api list');

      // Wrong secrets lock the API out (LOCKOUT_MAX_FAILURES=2), like a client.
      for (let i = 0; i < 2; i++) await introspect('aa_as_wrong');
      expect(await introspect(api.api_secret)).toEqual([401, undefined]);
      expect(await cli('api', 'unlock', api.api_id)).toEqual({ unlocked: true });
      expect(await introspect(api.api_secret)).toEqual([200, true]);

      const rotated = await cli<{ api_secret: string }>('api', 'rotate-secret', api.api_id);
      expect(rotated.api_secret).not.toBe(api.api_secret);
      expect(await introspect(api.api_secret)).toEqual([401, undefined]);
      expect(await introspect(rotated.api_secret)).toEqual([200, true]);

      expect(await cli('api', 'delete', api.api_id)).toEqual({ deleted: api.api_id });
      expect(await cli('api', 'list', '--json')).toEqual([]);
      const started = await startAuthorization(s.remote, site, { resource: identifier });
      expect(
        new URL(started.response.headers.get('location') ?? '').searchParams.get('error'),
      ).toBe('invalid_target');
      const missing = await s.cli(['api', 'delete', api.api_id]);
      expect(missing.code).toBe(1);
    },
    SLOW,
  );

  it(
    'deletes a website, an agent and an account; what they held stops working',
    async () => {
      const tokens = await obtainTokens(s.remote, site, agent);
      expect(await cli('client', 'delete', site.client_id)).toEqual({ deleted: site.client_id });
      expect(await userinfo(tokens.access_token)).toBe(401);
      expect(await clientStatus(site, site.client_secret ?? '')).toBe(401);
      expect(await cli('client', 'list', '--json')).toEqual([]);

      const refused = await s.cli(['user', 'delete', owner.email]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('owns 1 agent(s) and 0 website(s)');
      expect(refused.stderr).toContain('--with-objects');

      expect(await cli('agent', 'delete', agent.agent_id)).toEqual({ deleted: agent.agent_id });
      expect(await cli('agent', 'list', '--json')).toEqual([]);
      expect(await cli('user', 'delete', owner.email)).toMatchObject({ deleted: owner.email });
      expect(await login(owner.email, owner.password)).toBe(401);
      const users = await cli<Array<{ email: string }>>('user', 'list', '--json');
      expect(users.map((u) => u.email)).toEqual([admin.email]);

      const missing = await s.cli(['agent', 'delete', agent.agent_id]);
      expect([missing.code, missing.stderr.split('\n')[1]]).toEqual([
        1,
        `auth-agent: No agent ${agent.agent_id}.`,
      ]);
    },
    SLOW,
  );

  it('backup and restore: embedded through the server; PostgreSQL is sent to pg_dump', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'auth-agent-cli-backup-')), 'backup');
    const written = await s.cli(['backup', '--out', file]);
    const restored = await s.cli(['restore', '--from', file, '--force']);
    ran.add('backup').add('restore');
    if (backend === 'postgres') {
      expect([written.code, written.stderr]).toEqual([1, expect.stringContaining('pg_dump')]);
      expect([restored.code, restored.stderr]).toEqual([1, expect.stringContaining('pg_restore')]);
    } else {
      expect(written.code, written.stderr).toBe(0);
      expect(JSON.parse(written.stdout)).toMatchObject({ file, bytes: expect.any(Number) });
      expect([restored.code, restored.stderr]).toEqual([
        1,
        expect.stringContaining('a server holds'),
      ]);
    }
    rmSync(dirname(file), { recursive: true, force: true });
  });

  it(
    'ran every database command, and each change left a security event with the CLI as actor',
    async () => {
      expect([...ran].sort()).toEqual(COMMANDS.map((c) => c.name).sort());
      const events = await s.cliEventsAfterStop();
      const names = events.map(
        (e) => `${e.event}:${(e.details as { action?: string }).action ?? ''}`,
      );
      const count = (name: string) => names.filter((n) => n === name).length;
      expect(count('admin.action:create')).toBe(6);
      expect(count('admin.action:delete')).toBe(5);
      expect(count('client.claimed:')).toBe(1);
      expect(count('admin.unlocked:')).toBe(4);
      expect(count('admin.secret_rotated:')).toBe(3);
      expect(count('admin.tokens_revoked:')).toBe(4);
      expect(count('admin.sessions_revoked:')).toBe(1);
      expect(count('admin.keys_rotated:')).toBe(2);
      expect(count('admin.action:backup')).toBe(backend === 'postgres' ? 0 : 1);
    },
    SLOW,
  );
});
