import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliDataDir, openCliDataDir } from './support/cli-data-dir.js';
import { backend } from './support/database.js';

// The CLI with no server running: the database, users, websites and agents, and its refusals
// (cli-serve.test.ts: serving).
let cli: CliDataDir;

beforeAll(async () => {
  cli = await openCliDataDir();
});
afterAll(() => cli.dispose());

describe('auth-agent CLI', () => {
  it('refuses to create an embedded database except with migrate (or serve)', async () => {
    if (backend === 'pglite') {
      const refused = await cli.run(['user', 'list']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`No embedded database in ${cli.dataDir}`);
    }
    const result = await cli.run(['migrate']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ migrated: true });
  });

  it('creates a user with a password from stdin, printing no password', async () => {
    const result = await cli.run(
      ['user', 'create', '--email', 'cli-owner@example.com', '--password-stdin'],
      { stdin: 'correct horse battery staple\n' },
    );
    // One line names the storage and issuer used; the notice says no admin exists yet.
    const [storage, notice] = result.stderr.trim().split('\n');
    expect(storage).toMatch(
      backend === 'postgres' ? /^auth-agent: PostgreSQL / : /^auth-agent: embedded database in /,
    );
    expect(notice).toMatch(/no administrator yet.*user create --email EMAIL --admin/);
    expect(result.code).toBe(0);
    const user = JSON.parse(result.stdout) as Record<string, string>;
    expect(user).toMatchObject({ email: 'cli-owner@example.com', role: 'user' });
    expect(user.password).toBeUndefined();
  });

  it('creates an admin with a generated password printed once', async () => {
    const result = await cli.run(['user', 'create', '--email', 'cli-admin@example.com', '--admin']);
    expect(result.code).toBe(0);
    const user = JSON.parse(result.stdout) as Record<string, string>;
    expect(user.role).toBe('admin');
    expect(user.password?.length).toBeGreaterThanOrEqual(20);
  });

  it('creates a confidential client and an agent, each printing its secret once', async () => {
    const client = await cli.run([
      'client',
      'create',
      '--owner',
      'cli-owner@example.com',
      '--name',
      'CLI Site',
      '--redirect-uri',
      'https://site.example/cb',
      '--redirect-uri',
      'http://127.0.0.1:4000/cb',
    ]);
    expect(client.code).toBe(0);
    expect(JSON.parse(client.stdout)).toMatchObject({
      client_id: expect.stringMatching(/^client_[0-9a-f]{32}$/),
      client_secret: expect.stringMatching(/^aa_cs_[A-Za-z0-9_-]{43}$/),
      redirect_uris: ['https://site.example/cb', 'http://127.0.0.1:4000/cb'],
    });
    const agent = await cli.run([
      'agent',
      'create',
      '--owner',
      'cli-owner@example.com',
      '--email',
      'bot@example.com',
      '--name',
      'Bot',
      '--id',
      'cli-bot',
    ]);
    expect(agent.code).toBe(0);
    expect(JSON.parse(agent.stdout)).toMatchObject({
      agent_id: 'cli-bot',
      agent_secret: expect.stringMatching(/^aa_sk_[A-Za-z0-9_-]{43}$/),
    });
  });

  it('creates a public client without a secret', async () => {
    const result = await cli.run([
      'client',
      'create',
      '--owner',
      'cli-owner@example.com',
      '--name',
      'SPA',
      '--redirect-uri',
      'https://spa.example/cb',
      '--public',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      client_secret: null,
      token_endpoint_auth_method: 'none',
    });
  });

  it.each([
    [
      [
        'client',
        'create',
        '--owner',
        'cli-owner@example.com',
        '--name',
        'X',
        '--redirect-uri',
        'http://evil.example/cb',
      ],
      /https/,
    ],
    [
      [
        'client',
        'create',
        '--owner',
        'cli-owner@example.com',
        '--name',
        'X',
        '--redirect-uri',
        'https://x.example/*',
      ],
      /wildcard/,
    ],
    [
      [
        'client',
        'create',
        '--owner',
        'cli-owner@example.com',
        '--name',
        'X',
        '--redirect-uri',
        'https://x.example/cb#frag',
      ],
      /fragment/,
    ],
    [['agent', 'create', '--owner', 'nobody@example.com', '--email', 'b@example.com'], /No user/],
    [
      [
        'agent',
        'create',
        '--owner',
        'cli-owner@example.com',
        '--email',
        'b@example.com',
        '--id',
        'cli-bot',
      ],
      /taken/,
    ],
  ])('refuses %j with a clear message', async (args, message) => {
    const result = await cli.run(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('explains usage errors', async () => {
    const result = await cli.run(['agent', 'create', '--owner']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Usage: auth-agent/);
  });
});
