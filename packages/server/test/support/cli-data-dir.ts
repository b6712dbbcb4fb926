import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliRun } from './cli-server.js';
import { backend, openTestDatabase, type TestDatabase } from './database.js';

/** The real CLI's entry point, as `npm install` puts it on the PATH. */
export const BIN = new URL('../../bin/auth-agent.js', import.meta.url).pathname;

/**
 * Shared by cli-create.test.ts and cli-serve.test.ts: the real `auth-agent` with no server
 * running, on a fresh data dir (embedded: not yet created) or a test database (PostgreSQL).
 */
export interface CliDataDir {
  dataDir: string;
  /** What every command runs with (DATABASE_URL on PostgreSQL). */
  env: Record<string, string>;
  run(args: string[], options?: { stdin?: string; env?: Record<string, string> }): Promise<CliRun>;
  dispose(): Promise<void>;
}

export async function openCliDataDir(): Promise<CliDataDir> {
  const dataDir = mkdtempSync(join(tmpdir(), 'auth-agent-cli-'));
  const env: Record<string, string> = {
    AUTH_AGENT_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PBKDF2_ITERATIONS: '100000',
  };
  let db: TestDatabase | undefined;
  if (backend === 'postgres') {
    db = await openTestDatabase();
    env.DATABASE_URL = db.url ?? '';
  }
  return {
    dataDir,
    env,
    run(args, options = {}) {
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
    },
    async dispose() {
      await db?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
