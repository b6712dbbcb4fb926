import { listSecurityEvents, type SecurityEventRow } from '../src/security/event-queries.js';
import { provisionUser } from '../src/services/provisioning.js';
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
      const rows = await listSecurityEvents(h.db.driver, admin.id, { ...filter, limit: 500 });
      return rows.reverse();
    },
    async dispose() {
      await h.ctx.security.close();
      await h.db.dispose();
    },
  });
}

export function fromIp(ip: string, init: RequestInit = {}): RequestInit {
  return {
    ...init,
    headers: { ...(init.headers as Record<string, string>), 'x-forwarded-for': ip },
  };
}

export const HOOK_TIMEOUT = 120_000;
export const ADMIN_PASSWORD = 'admin-password-long-enough';
