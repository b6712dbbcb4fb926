import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cliEventCounts,
  expectCommandsRun,
  type RecordedCli,
  recordedCli,
  SLOW,
  userinfo,
} from './support/cli-commands.js';
import { type CliServer, startCliServer } from './support/cli-server.js';
import { ConsoleBrowser, consoleLogin, strongPassword } from './support/console.js';
import { authenticate, obtainTokens, startAuthorization, tokenRequest } from './support/flow.js';
import { type AgentFixture, type ClientFixture, REDIRECT_URI } from './support/harness.js';

/**
 * The CLI's commands for owners, agents and websites, from creation to deletion, run as the
 * real binary next to a running server, and checked by their effect on that server
 * (embedded: through its control socket; PostgreSQL: directly). The last test reads the
 * security events the commands left. cli-commands-operations.test.ts runs the other commands.
 */
let s: CliServer;
let cli: RecordedCli;
const ran = new Set<string>();
const admin = { email: 'admin@example.com', password: strongPassword() };
const owner = { email: 'owner@example.com', password: '' };
let agent: AgentFixture;
let site: ClientFixture;

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
  cli = recordedCli(s, ran);
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
        expect(await userinfo(s, tokens.access_token)).toBe(200);
        const { revoked_grants } = await cli<{ revoked_grants: number }>(
          ...['tokens', 'revoke', ...scope],
        );
        expect(revoked_grants).toBe(scope[0] === '--agent' ? 2 : 1);
        expect(await userinfo(s, tokens.access_token), scope.join(' ')).toBe(401);
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
    'deletes a website, an agent and an account; what they held stops working',
    async () => {
      const tokens = await obtainTokens(s.remote, site, agent);
      expect(await cli('client', 'delete', site.client_id)).toEqual({ deleted: site.client_id });
      expect(await userinfo(s, tokens.access_token)).toBe(401);
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

  it(
    'ran its listed database commands (the lists together: every command), and each change left a security event with the CLI as actor',
    async () => {
      expectCommandsRun('cli-commands-lifecycle.test.ts', ran);
      const count = await cliEventCounts(s);
      expect(count('admin.action:create')).toBe(4);
      expect(count('admin.action:delete')).toBe(3);
      expect(count('client.claimed:')).toBe(0);
      expect(count('admin.unlocked:')).toBe(3);
      expect(count('admin.secret_rotated:')).toBe(2);
      expect(count('admin.tokens_revoked:')).toBe(4);
      expect(count('admin.sessions_revoked:')).toBe(1);
      expect(count('admin.keys_rotated:')).toBe(0);
      expect(count('admin.action:backup')).toBe(0);
    },
    SLOW,
  );
});
