import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type CliDataDir, openCliDataDir } from './support/cli-data-dir.js';
import { backend } from './support/database.js';

// `auth-agent serve`: its refusals of an unsafe configuration, and a running server next to
// the CLI (cli-create.test.ts: the commands before it).
let cli: CliDataDir;

beforeAll(async () => {
  cli = await openCliDataDir();
  // Where cli-create.test.ts leaves the database: migrated, with an administrator (until
  // there is one, each create command adds a notice to its output).
  for (const args of [
    ['migrate'],
    ['user', 'create', '--email', 'cli-admin@example.com', '--admin'],
  ]) {
    const result = await cli.run(args);
    if (result.code !== 0) throw new Error(`auth-agent ${args.join(' ')}: ${result.stderr}`);
  }
});
afterAll(() => cli.dispose());

function startServe(
  port: number,
  extraEnv: Record<string, string> = {},
): Promise<{ child: ChildProcess; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: { PATH: process.env.PATH ?? '', ...cli.env, PORT: String(port), ...extraEnv },
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
    const result = await cli.run(['serve'], { env: unsafe });
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
        const second = await cli.run(['serve'], { env: { PORT: String(port + 1) } });
        expect(second.code).toBe(1);
        expect(second.stderr).toContain(`in use by process ${child.pid}`);
        // While the server holds the embedded database, create commands go through it.
        const viaServer = await cli.run(['user', 'create', '--email', 'while-serving@example.com']);
        expect(viaServer.stderr).toBe(
          `auth-agent: embedded database in ${cli.dataDir}, through the running server (process ${child.pid}); issuer http://localhost:${port}\n`,
        );
        expect(JSON.parse(viaServer.stdout)).toMatchObject({
          email: 'while-serving@example.com',
          password: expect.any(String),
        });
        const duplicate = await cli.run(['user', 'create', '--email', 'while-serving@example.com']);
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
