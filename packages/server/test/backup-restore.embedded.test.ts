import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, createWorldByCli, startCliServer } from './support/cli-server.js';
import { introspectActive, obtainTokens, type Tokens, tokenRequest } from './support/flow.js';
import {
  type AgentFixture,
  type ClientFixture,
  type HttpTarget,
  ISSUER,
} from './support/harness.js';
import { runToExit, startServe, stop } from './support/serve-process.js';
import { duringSignIns } from './support/sign-in-load.js';

/**
 * `auth-agent backup` taken by a running embedded server while agents sign in, restored with
 * `auth-agent restore` into a fresh data directory, and a server started there: everything
 * acknowledged before the backup began is there, and its tokens still work.
 */
const SLOW = 180_000;
let s: CliServer;
let work: string;
let agent: AgentFixture;
let site: ClientFixture;
let restored: ChildProcess | undefined;

beforeAll(async () => {
  s = await startCliServer();
  work = mkdtempSync(join(tmpdir(), 'auth-agent-backup-'));
  ({ agent, site } = await createWorldByCli(s));
}, SLOW);
afterAll(async () => {
  if (restored) await stop(restored);
  await s.dispose();
  rmSync(work, { recursive: true, force: true });
});

/** A fresh data dir holding only the backed-up server's generated key-encryption-key. */
function freshDataDir(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { mode: 0o700 });
  copyFileSync(join(s.dataDir, 'key-encryption-key'), join(dir, 'key-encryption-key'));
  return dir;
}

describe('backup under load, restore into a fresh data directory', () => {
  const file = () => join(work, 'auth-agent.backup');
  /** Tokens whose answer arrived before the backup command started. */
  const acknowledged: Tokens[] = [];

  it(
    'takes a snapshot through the running server while agents sign in',
    async () => {
      const load = await duringSignIns(s.remote, site, agent, () =>
        s.cli(['backup', '--out', file()]),
      );
      acknowledged.push(...load.acknowledged);
      const run = load.result;
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr.split('\n')[0]).toBe(s.storageLine);
      const written = JSON.parse(run.stdout) as { file: string; bytes: number };
      expect(written).toMatchObject({ file: file(), bytes: expect.any(Number) });
      // The tar holds PGlite's files only: not the lock record, not the control socket.
      const entries = execFileSync('tar', ['tzf', file()], { encoding: 'utf8' }).split('\n');
      expect(entries).toContain('/PG_VERSION');
      expect(
        entries.filter((e) => /auth-agent\.lock|control\.sock|key-encryption/.test(e)),
      ).toEqual([]);
      // A second backup to the same name is refused; the first stays whole.
      const again = await s.cli(['backup', '--out', file()]);
      expect([again.code, again.stderr]).toEqual([1, expect.stringContaining('exists')]);
    },
    SLOW,
  );

  it('refuses to restore without the key, into a non-empty directory, or under a server', async () => {
    const keyless = join(work, 'keyless');
    const noKey = await runToExit(keyless, ['restore', '--from', file()]);
    expect([noKey.code, noKey.output]).toEqual([1, expect.stringContaining('KEY_ENCRYPTION_KEY')]);
    expect(existsSync(join(keyless, 'pglite'))).toBe(false);

    const wrongKey = join(work, 'wrong-key');
    mkdirSync(wrongKey);
    writeFileSync(join(wrongKey, 'key-encryption-key'), 'another-key-0123456789abcdefghijklmnop\n');
    const wrong = await runToExit(wrongKey, ['restore', '--from', file()]);
    expect([wrong.code, wrong.output]).toEqual([1, expect.stringContaining('does not open')]);
    expect(readdirSync(wrongKey)).not.toContain('pglite');

    const nonEmpty = await runToExit(s.dataDir, ['restore', '--from', file()]);
    expect([nonEmpty.code, nonEmpty.output]).toEqual([1, expect.stringContaining('not empty')]);
    const held = await runToExit(s.dataDir, ['restore', '--from', file(), '--force']);
    expect([held.code, held.output]).toEqual([1, expect.stringContaining('a server holds')]);
    const rolesOnly = await runToExit(keyless, ['migrate', '--roles-only']);
    expect([rolesOnly.code, rolesOnly.output]).toEqual([1, expect.stringContaining('PostgreSQL')]);
    const garbage = join(work, 'garbage');
    writeFileSync(garbage, 'not a backup');
    const bad = await runToExit(freshDataDir('for-garbage'), ['restore', '--from', garbage]);
    expect([bad.code, bad.output]).toEqual([1, expect.stringContaining('not a backup')]);
  });

  it(
    'restores accounts, agents, websites, grants and keys: earlier tokens still work there',
    async () => {
      const dir = freshDataDir('restored');
      const run = await runToExit(dir, ['restore', '--from', file(), '--json']);
      expect(run.code, run.output).toBe(0);
      const summary = JSON.parse(run.output.slice(run.output.indexOf('{'))) as Record<
        string,
        number
      >;
      expect(summary).toMatchObject({ restored: true, accounts: 1, agents: 1, websites: 1 });
      expect(summary.grants).toBeGreaterThanOrEqual(acknowledged.length);
      expect(summary.signing_keys).toBeGreaterThanOrEqual(1);
      // Owner-only, like any data directory (docs/security.md, "The embedded data directory").
      expect(statSync(join(dir, 'pglite')).mode & 0o777).toBe(0o700);
      expect(statSync(join(dir, 'pglite', 'PG_VERSION')).mode & 0o777).toBe(0o600);

      const started = await startServe(dir, { env: { ISSUER } });
      restored = started.child;
      const base = /listening on (\S+)/.exec(started.output())?.[1] ?? '';
      const there: HttpTarget = { request: (path, init) => fetch(`${base}${path}`, init) };
      for (const tokens of acknowledged)
        expect(await introspectActive(there, site, tokens.access_token)).toBe(true);
      const refreshed = await tokenRequest(there, site, {
        grant_type: 'refresh_token',
        refresh_token: acknowledged[0]?.refresh_token ?? '',
      });
      expect(refreshed.status).toBe(200);
      // The agent signs in again with its secret, on the restored server.
      const again = await obtainTokens(there, site, agent);
      expect(await introspectActive(there, site, again.access_token)).toBe(true);
      // Restoring into the directory the restored server now holds is refused.
      const held = await runToExit(dir, ['restore', '--from', file(), '--force']);
      expect(held.code).toBe(1);
    },
    SLOW,
  );
});
