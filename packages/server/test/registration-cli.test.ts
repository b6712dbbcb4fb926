import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, openTestDatabase, type TestDatabase } from './support/database.js';

// `auth-agent registration-token create` and `client claim`, against a running server (on
// the embedded database the CLI reaches it through the server's control socket).
const BIN = new URL('../bin/auth-agent.js', import.meta.url).pathname;
const OWNER = 'claimer@example.com';

let dataDir: string;
let db: TestDatabase | undefined;
let env: Record<string, string>;
let server: ChildProcess | undefined;
let base = '';

function run(
  args: string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'auth-agent-registration-'));
  env = { AUTH_AGENT_DATA_DIR: dataDir, LOG_LEVEL: 'silent', CLIENT_REGISTRATION: 'token' };
  if (backend === 'postgres') {
    db = await openTestDatabase();
    env.DATABASE_URL = db.url ?? '';
  }
  expect((await run(['user', 'create', '--email', OWNER])).code).toBe(0);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [BIN, 'serve'], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), LOG_LEVEL: 'info' },
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 30_000);
    server?.stdout?.on('data', (d) => {
      output += d;
      if (output.includes('Issuer:')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
});
afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await db?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('registration from the command line', () => {
  it('creates an initial access token that registers one client, which an owner then claims', async () => {
    const created = await run(['registration-token', 'create', '--uses', '1', '--ttl', '600']);
    expect(created.stderr).toBe('');
    const { initial_access_token, uses } = JSON.parse(created.stdout) as Record<string, unknown>;
    expect(initial_access_token).toMatch(/^aa_iat_[A-Za-z0-9_-]{43}$/);
    expect(uses).toBe(1);

    const register = () =>
      fetch(`${base}/register`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${initial_access_token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          redirect_uris: ['http://127.0.0.1/callback'],
          client_name: 'CLI-made',
        }),
      });
    const first = await register();
    expect(first.status).toBe(201);
    const registration = (await first.json()) as Record<string, string>;
    expect((await register()).status).toBe(401);

    const wrong = await run(
      ['client', 'claim', '--owner', OWNER, '--client-id', registration.client_id ?? ''],
      'aa_rat_wrong\n',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('No unclaimed');

    const claimed = await run(
      ['client', 'claim', '--owner', OWNER, '--client-id', registration.client_id ?? ''],
      `${registration.registration_access_token}\n`,
    );
    expect(claimed.stderr).toBe('');
    expect(JSON.parse(claimed.stdout)).toMatchObject({
      client_id: registration.client_id,
      owner: OWNER,
      claimed: true,
    });
    const read = await fetch(
      registration.registration_client_uri?.replace('http://localhost', 'http://127.0.0.1') ?? '',
      {
        headers: { authorization: `Bearer ${registration.registration_access_token}` },
      },
    );
    expect(read.status).toBe(401);
  });

  it('refuses nonsense arguments with a usage error', async () => {
    const result = await run(['registration-token', 'create', '--uses', 'many']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--uses must be a whole number');
  });
});
