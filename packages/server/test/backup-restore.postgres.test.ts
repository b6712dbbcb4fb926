import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, createWorldByCli, startCliServer } from './support/cli-server.js';
import { introspectActive, obtainTokens } from './support/flow.js';
import type { HttpTarget } from './support/harness.js';
import { freePort, runToExit, startServe, stop } from './support/serve-process.js';
import { duringSignIns } from './support/sign-in-load.js';

/**
 * The PostgreSQL procedure of docs/operations.md, as written there: pg_dump of a database a
 * server runs on, while agents sign in; in a brand-new cluster (initdb, as user postgres: it has no
 * auth_agent_app role) createdb, `auth-agent migrate --roles-only`, pg_restore; then a
 * server on the restored database accepts the tokens issued before the dump.
 */
const SLOW = 240_000;
const root = userInfo().uid === 0;
/** initdb refuses root: as root, the cluster belongs to user postgres. */
const asPostgres = root ? ['runuser', '-u', 'postgres', '--'] : [];
const idOfPostgres = (flag: string) =>
  Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
const giveToPostgres = (path: string) => {
  if (root) chownSync(path, idOfPostgres('-u'), idOfPostgres('-g'));
};
let s: CliServer;
let work: string;
let cluster: string;
let port: number;
let restored: ChildProcess | undefined;

function run(command: string[], env: Record<string, string> = {}): string {
  const [file = '', ...args] = [...asPostgres, ...command];
  return execFileSync(file, args, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
}

beforeAll(async () => {
  s = await startCliServer();
  work = mkdtempSync(join(tmpdir(), 'auth-agent-pg-restore-'));
  cluster = join(work, 'cluster');
  giveToPostgres(work);
  port = await freePort();
  run(['initdb', '-D', cluster, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  run([
    ...['pg_ctl', '-D', cluster, '-l', join(cluster, 'log'), '-w', 'start'],
    ...['-o', `-p ${port} -k ${work} -c listen_addresses=127.0.0.1 -c fsync=off`],
  ]);
}, SLOW);
afterAll(async () => {
  if (restored) await stop(restored);
  await s?.dispose();
  try {
    run(['pg_ctl', '-D', cluster, '-m', 'immediate', 'stop']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

describe('pg_dump, then migrate --roles-only and pg_restore into a new cluster', () => {
  it(
    'brings back accounts, agents, websites, grants and keys; tokens issued before still work',
    async () => {
      const { agent, site } = await createWorldByCli(s);
      const dump = join(work, 'auth-agent.dump');
      // pg_dump while agents sign in: what was acknowledged before it started is in the dump.
      const { acknowledged } = await duringSignIns(s.remote, site, agent, async () =>
        execFileSync('pg_dump', ['--format=custom', `--file=${dump}`, s.env.DATABASE_URL ?? '']),
      );
      giveToPostgres(dump);

      const target = `postgres://postgres@127.0.0.1:${port}/auth_agent`;
      run(['createdb', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'auth_agent']);
      // Without the roles, pg_restore cannot grant to auth_agent_app (the failure).
      const roles = await runToExit(work, ['migrate', '--roles-only'], {
        env: { DATABASE_URL: target },
      });
      expect(roles.code, roles.output).toBe(0);
      expect(roles.output).toContain('"roles"');
      run([
        'pg_restore',
        '--exit-on-error',
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        'auth_agent',
        dump,
      ]);

      const client = new pg.Client({ connectionString: target });
      await client.connect();
      const { rows } = await client.query(
        `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM agents)::int AS agents,
                (SELECT count(*) FROM clients)::int AS clients, (SELECT count(*) FROM grants)::int AS grants,
                (SELECT count(*) FROM signing_keys)::int AS keys`,
      );
      await client.end();
      expect(rows[0]).toMatchObject({ users: 1, agents: 1, clients: 1 });
      expect(rows[0].grants).toBeGreaterThanOrEqual(acknowledged.length);
      expect(rows[0].keys).toBeGreaterThanOrEqual(1);

      const started = await startServe(work, { env: { ...s.env, DATABASE_URL: target } });
      restored = started.child;
      const base = /listening on (\S+)/.exec(started.output())?.[1] ?? '';
      const there: HttpTarget = { request: (path, init) => fetch(`${base}${path}`, init) };
      for (const tokens of acknowledged)
        expect(await introspectActive(there, site, tokens.access_token)).toBe(true);
      const again = await obtainTokens(there, site, agent);
      expect(await introspectActive(there, site, again.access_token)).toBe(true);
    },
    SLOW,
  );
});
