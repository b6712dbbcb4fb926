import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliEventCounts,
  expectCommandsRun,
  type RecordedCli,
  recordedCli,
  SLOW,
  userinfo,
} from './support/cli-commands.js';
import { type CliServer, createWorldByCli, startCliServer } from './support/cli-server.js';
import { backend } from './support/database.js';
import {
  basicAuth,
  obtainTokens,
  signIn as signInWith,
  startAuthorization,
  tokenRequest,
} from './support/flow.js';
import { type AgentFixture, type ClientFixture, REDIRECT_URI } from './support/harness.js';

/**
 * The CLI's commands for signing keys, the schema, registration tokens, APIs and backups, run
 * as the real binary next to a running server, and checked by their effect on that server
 * (embedded: through its control socket; PostgreSQL: directly). The last test reads the
 * security events the commands left. cli-commands-lifecycle.test.ts runs the other commands.
 */
let s: CliServer;
let cli: RecordedCli;
const ran = new Set<string>();
const admin = { email: 'admin@example.com' };
const owner = { email: 'owner@example.com' };
let agent: AgentFixture;
let site: ClientFixture;

beforeAll(async () => {
  s = await startCliServer();
  cli = recordedCli(s, ran);
  // The administrator first, then an owner with an agent and a website (as
  // cli-commands-lifecycle.test.ts makes them, and checks).
  await s.json('user', 'create', '--email', admin.email, '--admin');
  ({ agent, site } = await createWorldByCli(s));
}, SLOW);
afterAll(() => s.dispose());

describe('auth-agent next to a running server', () => {
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
      expect(await userinfo(s, before.access_token)).toBe(200);
      const emergency = await cli<{ kid: string }>('keys', 'rotate', '--emergency');
      expect(await userinfo(s, after.access_token)).toBe(401);
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
    'ran its listed database commands (the lists together: every command), and each change left a security event with the CLI as actor',
    async () => {
      expectCommandsRun('cli-commands-operations.test.ts', ran);
      const count = await cliEventCounts(s);
      expect(count('admin.action:create')).toBe(6);
      expect(count('admin.action:delete')).toBe(2);
      expect(count('client.claimed:')).toBe(1);
      expect(count('admin.unlocked:')).toBe(1);
      expect(count('admin.secret_rotated:')).toBe(1);
      expect(count('admin.tokens_revoked:')).toBe(0);
      expect(count('admin.sessions_revoked:')).toBe(0);
      expect(count('admin.keys_rotated:')).toBe(2);
      expect(count('admin.action:backup')).toBe(backend === 'postgres' ? 0 : 1);
    },
    SLOW,
  );
});
