import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provisionUser } from '../src/accounts/provisioning.js';
import { listSecurityEvents, type SecurityEventRow } from '../src/security/event-queries.js';
import { createHarness, type Harness } from './support/harness.js';

/** Shared by the security-*.test.ts files: a harness plus an admin to read the whole log. */
export interface SecurityHarness extends Harness {
  adminId: string;
  /** Every security event so far (waits for pending writes), oldest first. */
  events(filter?: { event?: string }): Promise<SecurityEventRow[]>;
}

export async function securityHarness(env: Record<string, string> = {}): Promise<SecurityHarness> {
  const h = await createHarness(env);
  const admin = await provisionUser(h.db.driver, {
    email: `admin-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`,
    password: ADMIN_PASSWORD,
    admin: true,
    iterations: h.ctx.config.pbkdf2Iterations,
  });
  return Object.assign(h, {
    adminId: admin.id,
    async events(filter: { event?: string } = {}) {
      await h.ctx.security.flush();
      // The whole log, as the operator sees it (no console session, no row filter).
      const rows = await h.db.driver.privileged((tx) =>
        listSecurityEvents(tx, { ...filter, limit: 500 }),
      );
      return rows.reverse();
    },
    async dispose() {
      await h.ctx.security.close();
      await h.db.dispose();
    },
  });
}

/**
 * createSignInWorld's owner, website and agent on a security harness: for tests that read
 * the security log (with TRUST_PROXY=1 they can send each request from an address of their
 * choosing, fromIp).
 */
export async function securityWorld(env: Record<string, string> = {}) {
  const h = await securityHarness(env);
  const owner = await h.createUser();
  const client = await h.createClient(owner.email);
  const agent = await h.createAgent(owner.email);
  return { h, owner, client, agent };
}

export function fromIp(ip: string, init: RequestInit = {}): RequestInit {
  return {
    ...init,
    headers: { ...(init.headers as Record<string, string>), 'x-forwarded-for': ip },
  };
}

export const HOOK_TIMEOUT = 120_000;
export const ADMIN_PASSWORD = 'admin-password-long-enough';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * Tests that spawn the real `auth-agent` run the built dist/ (what `npm install` builds).
 * A dist older than the sources would test stale code, so that fails loudly instead.
 */
export function assertBuildIsFresh(): string {
  const newest = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
      const path = join(dir, entry.name);
      return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
    }, 0);
  const built = join(SERVER_DIR, 'dist/cli/main.js');
  if (!existsSync(built) || statSync(built).mtimeMs < newest(join(SERVER_DIR, 'src')))
    throw new Error('packages/server/dist is older than src: run `npm run build` first.');
  return join(SERVER_DIR, 'bin/auth-agent.js');
}

/** Runs the real CLI; resolves with its exit code and output. */
export function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = assertBuildIsFresh();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
