import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describeDatabaseUrl } from '../../src/config/database-url.js';
import { DEFAULT_RATE_LIMITS } from '../../src/config/rate-limits.js';
import { openPglite } from '../../src/storage/pglite-driver.js';
import { assertBuildIsFresh } from '../security-helpers.js';
import { backend, openTestDatabase, type TestDatabase } from './database.js';
import type { AgentFixture, ClientFixture, HttpTarget } from './harness.js';
import { ISSUER, REDIRECT_URI } from './harness.js';
import { freePort, startServe, stop } from './serve-process.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * A real `auth-agent serve` (embedded: on a temp data dir, which it then holds; postgres: on
 * this test's database) and the real CLI run next to it, as an operator would. On embedded
 * every database command must go through the server's control socket; on PostgreSQL it
 * connects directly while the server runs.
 */
export interface CliServer {
  dataDir: string;
  /** The spawned server, reached over HTTP with the flow and console helpers. */
  remote: HttpTarget;
  /** The settings the server and the CLI run with (DATABASE_URL on PostgreSQL). */
  env: Record<string, string>;
  /** The first line every database command must write on stderr. */
  storageLine: string;
  cli(args: string[], stdin?: string): Promise<CliRun>;
  /** Runs a command that must succeed, checks its storage line, and parses its JSON. */
  json<T = Record<string, unknown>>(...args: string[]): Promise<T>;
  /** Stops the server, then reads its security events with the CLI as actor. */
  cliEventsAfterStop(): Promise<Array<{ event: string; target_id: string; details: unknown }>>;
  dispose(): Promise<void>;
}

const KEY_ENCRYPTION_KEY = 'cli-server-key-Hq4tZ8vB2nX6mR1pW9cL3kJ7fD5sG0aY';
const GENEROUS = Object.keys(DEFAULT_RATE_LIMITS)
  .map((name) => `${name}=100000/100000`)
  .join(',');

export async function startCliServer(): Promise<CliServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'auth-agent-cli-server-'));
  const db: TestDatabase | undefined =
    backend === 'postgres' ? await openTestDatabase() : undefined;
  const env: Record<string, string> = {
    AUTH_AGENT_DATA_DIR: dataDir,
    ISSUER,
    LOG_LEVEL: 'silent',
    RATE_LIMITS: GENEROUS,
    LOCKOUT_MAX_FAILURES: '2',
    // A rotated key signs 2 s after it is published (verifiers may cache the JWKS for 1 s).
    JWKS_MAX_AGE: '1',
    SIGNING_KEY_ACTIVATION_DELAY: '2',
    // Embedded: the server generates its key into the data dir, and `keys rotate` through
    // it seals under that. PostgreSQL: CLI and server must share KEY_ENCRYPTION_KEY.
    ...(db ? { DATABASE_URL: db.url ?? '', KEY_ENCRYPTION_KEY } : {}),
  };
  const port = await freePort();
  const server = await startServe(dataDir, { env: { ...env, PORT: String(port) } });
  const base = `http://127.0.0.1:${port}`;
  const storageLine = db
    ? `auth-agent: PostgreSQL ${describeDatabaseUrl(db.url ?? '')} (DATABASE_URL); issuer ${ISSUER}`
    : `auth-agent: embedded database in ${dataDir}, through the running server (process ${server.child.pid}); issuer ${ISSUER}`;

  const cli = (args: string[], stdin = ''): Promise<CliRun> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [assertBuildIsFresh(), ...args], {
        env: { PATH: process.env.PATH ?? '', USER: 'operator', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });

  return {
    dataDir,
    env,
    remote: { request: (path, init) => fetch(`${base}${path}`, { redirect: 'manual', ...init }) },
    storageLine,
    cli,
    async json<T>(...args: string[]): Promise<T> {
      const run = await cli(args);
      if (run.code !== 0 || run.stderr.split('\n')[0] !== storageLine)
        throw new Error(`auth-agent ${args.join(' ')} exited ${run.code}:\n${run.stderr}`);
      return JSON.parse(run.stdout) as T;
    },
    async cliEventsAfterStop() {
      await stop(server.child);
      const sql = `SELECT event, target_id, details FROM security_events
                   WHERE actor_type = 'cli' AND actor_id = 'operator' ORDER BY id`;
      if (db?.url) {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        const { rows } = await client.query(sql);
        await client.end();
        return rows;
      }
      const embedded = await openPglite(dataDir);
      try {
        return await embedded.transaction(async (tx) => {
          await tx.query('SET LOCAL ROLE postgres');
          return tx.query(sql);
        });
      } finally {
        await embedded.close();
      }
    },
    async dispose() {
      await stop(server.child);
      await db?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An owner with an agent and a website, made with the CLI as an operator would. */
export async function createWorldByCli(
  s: Pick<CliServer, 'json'>,
): Promise<{ agent: AgentFixture; site: ClientFixture }> {
  await s.json('user', 'create', '--email', 'owner@example.com');
  const agent = await s.json<AgentFixture>(
    ...['agent', 'create', '--owner', 'owner@example.com', '--email', 'pat@example.com'],
  );
  const site = await s.json<ClientFixture>(
    ...['client', 'create', '--owner', 'owner@example.com', '--name', 'Shop'],
    ...['--redirect-uri', REDIRECT_URI],
  );
  return { agent, site };
}
