import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend } from './support/database.js';
import { freePort, runToExit } from './support/serve-process.js';

/**
 * Each start-up or configuration mistake an operator makes is refused with a message that
 * names the setting and the fix, at once, and without a stack trace or a password.
 */
let dataDir: string;
const fresh = () => mkdtempSync(join(dataDir, 'run-'));

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'auth-agent-startup-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function expectClean(output: string) {
  expect(output).not.toMatch(/\n\s+at .*:\d+:\d+/);
}

describe('start-up errors', () => {
  it('a port in use is reported before the database starts, naming PORT', async () => {
    const holder: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      const dir = fresh();
      const started = Date.now();
      const run = await runToExit(dir, ['serve'], { env: { PORT: String(port) } });
      expect(run.code).toBe(1);
      expect(run.output).toContain(`PORT ${port} is in use on 127.0.0.1`);
      expect(run.output).toContain('set PORT to a free port');
      expectClean(run.output);
      // Refused before the embedded database was created (which takes seconds).
      expect(existsSync(join(dir, 'pglite'))).toBe(false);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      holder.close();
    }
  });

  it('a HOST that is not this machine’s names HOST', async () => {
    const run = await runToExit(fresh(), ['serve'], { env: { HOST: '192.0.2.1' } });
    expect(run.code).toBe(1);
    expect(run.output).toContain('HOST 192.0.2.1 is not an address of this machine');
  });

  it('an unreachable DATABASE_URL names the host, port and setting, for serve and the CLI', async () => {
    const closed = await freePort();
    const url = `postgres://auth:s3cret-pw@127.0.0.1:${closed}/auth`;
    for (const args of [['serve'], ['user', 'list']]) {
      const run = await runToExit(fresh(), args, { env: { DATABASE_URL: url } });
      expect(run.code).toBe(1);
      expect(run.output).toContain(
        `Cannot reach PostgreSQL at 127.0.0.1:${closed} (DATABASE_URL): connection refused.`,
      );
      expect(run.output).not.toContain('s3cret-pw');
      expectClean(run.output);
    }
  });

  it.each([
    ['mysql://root:hunter2-pw@db/app', /DATABASE_URL uses "mysql:\/\/".*postgres:\/\//],
    ['db.example.com', /DATABASE_URL is not a URL/],
  ])('refuses DATABASE_URL=%s at once, without echoing it', async (url, message) => {
    const run = await runToExit(fresh(), ['serve'], { env: { DATABASE_URL: url } });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(message);
    expect(run.output).not.toContain('hunter2-pw');
  });

  it('refuses a weak JWT_SECRET or KEY_ENCRYPTION_KEY in development too', async () => {
    for (const [name, secret, message] of [
      ['JWT_SECRET', 'short', /JWT_SECRET is shorter than 32 bytes/],
      ['JWT_SECRET', 'ab'.repeat(20), /JWT_SECRET has fewer than 12 different characters/],
      ['KEY_ENCRYPTION_KEY', 'short', /KEY_ENCRYPTION_KEY is shorter than 32 bytes/],
    ] as const) {
      const run = await runToExit(fresh(), ['serve'], { env: { [name]: secret } });
      expect(run.code).toBe(1);
      expect(run.output).toMatch(message);
      expect(run.output).toContain('openssl rand -base64 48');
    }
  });

  it.runIf(backend === 'postgres')('a database that does not exist is named', async () => {
    const base = new URL(
      process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    );
    base.pathname = '/auth_agent_no_such_database';
    const run = await runToExit(fresh(), ['serve'], { env: { DATABASE_URL: base.href } });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(
      /The database "auth_agent_no_such_database" does not exist on .* \(DATABASE_URL\)\. Create it/,
    );
  });

  it('the CLI says when it falls back to ./data', async () => {
    const run = await runToExit(fresh(), ['user', 'list'], { env: { AUTH_AGENT_DATA_DIR: '' } });
    expect(run.output).toContain('AUTH_AGENT_DATA_DIR is not set: the default ./data');
  });
});
