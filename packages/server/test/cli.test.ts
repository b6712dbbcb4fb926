import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, openTestDatabase, type TestDatabase } from './support/database.js';

const BIN = new URL('../bin/auth-agent.js', import.meta.url).pathname;

let dataDir: string;
let db: TestDatabase | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'auth-agent-cli-'));
  env = { AUTH_AGENT_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PBKDF2_ITERATIONS: '100000' };
  if (backend === 'postgres') {
    db = await openTestDatabase();
    env.DATABASE_URL = db.url ?? '';
  }
});
afterAll(async () => {
  await db?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  args: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

function startServe(
  port: number,
  extraEnv: Record<string, string> = {},
): Promise<{ child: ChildProcess; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), ...extraEnv },
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 30_000);
    child.stdout.on('data', (d) => {
      output += d;
      logged.set(child, output);
      if (output.includes('Issuer:')) {
        clearTimeout(timer);
        resolve({ child, output });
      }
    });
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`serve exited: ${output}`));
    });
  });
}

describe('auth-agent CLI', () => {
  it('refuses to create an embedded database except with migrate (or serve)', async () => {
    if (backend === 'pglite') {
      const refused = await run(['user', 'list']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`No embedded database in ${dataDir}`);
    }
    const result = await run(['migrate']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ migrated: true });
  });

  it('creates a user with a password from stdin, printing no password', async () => {
    const result = await run(
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
    const result = await run(['user', 'create', '--email', 'cli-admin@example.com', '--admin']);
    expect(result.code).toBe(0);
    const user = JSON.parse(result.stdout) as Record<string, string>;
    expect(user.role).toBe('admin');
    expect(user.password?.length).toBeGreaterThanOrEqual(20);
  });

  it('creates a confidential client and an agent, each printing its secret once', async () => {
    const client = await run([
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
    const agent = await run([
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
    const result = await run([
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
    const result = await run(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('explains usage errors', async () => {
    const result = await run(['agent', 'create', '--owner']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Usage: auth-agent/);
  });

  it.each([
    [{ NODE_ENV: 'production', ISSUER: 'https://auth.example' }, /KEY_ENCRYPTION_KEY is not set/],
    [
      { NODE_ENV: 'production', ISSUER: 'https://auth.example', KEY_ENCRYPTION_KEY: 'short' },
      /shorter than 32 bytes/,
    ],
    [
      { NODE_ENV: 'production', ISSUER: 'https://auth.example', SIGNING_ALG: 'HS256' },
      /JWT_SECRET is not set/,
    ],
    [
      { NODE_ENV: 'production', ISSUER: 'http://auth.example', KEY_ENCRYPTION_KEY: 'x'.repeat(40) },
      /must be https/,
    ],
    [{ PBKDF2_ITERATIONS: '1000' }, /PBKDF2_ITERATIONS/],
  ])('refuses to serve with an unsafe configuration %j', async (unsafe, message) => {
    const result = await run(['serve'], { env: unsafe });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it('serves, printing the issuer URL', async () => {
    const port = 18000 + Math.floor(Math.random() * 90) + (backend === 'postgres' ? 0 : 90);
    const { child, output } = await startServe(port, { LOG_LEVEL: 'info' });
    try {
      expect(output).toContain(`Issuer: http://localhost:${port}`);
      const health = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(health.status).toBe(200);
      // Log lines are buffered (src/cli/main.ts) but written within 100 ms of a quiet spell.
      await expect.poll(() => requestLines(child, '/health/ready'), { timeout: 2_000 }).toBe(1);
      if (backend === 'pglite') {
        const second = await run(['serve'], { env: { PORT: String(port + 1) } });
        expect(second.code).toBe(1);
        expect(second.stderr).toContain(`in use by process ${child.pid}`);
        // While the server holds the embedded database, create commands go through it.
        const viaServer = await run(['user', 'create', '--email', 'while-serving@example.com']);
        expect(viaServer.stderr).toBe(
          `auth-agent: embedded database in ${dataDir}, through the running server (process ${child.pid}); issuer http://localhost:${port}\n`,
        );
        expect(JSON.parse(viaServer.stdout)).toMatchObject({
          email: 'while-serving@example.com',
          password: expect.any(String),
        });
        const duplicate = await run(['user', 'create', '--email', 'while-serving@example.com']);
        expect(duplicate.code).toBe(1);
        expect(duplicate.stderr).toMatch(/already exists/);
      }
      // The lines still buffered when the process stops are written on the way out.
      for (let i = 0; i < 20; i++) await fetch(`http://127.0.0.1:${port}/health`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(requestLines(child, '/health')).toBe(20);
  });
});

const logged = new WeakMap<ChildProcess, string>();

/** How many `request` log lines for `path` the server has written to stdout so far. */
function requestLines(child: ChildProcess, path: string): number {
  return (logged.get(child) ?? '')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg?: string; path?: string })
    .filter((entry) => entry.msg === 'request' && entry.path === path).length;
}
