import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSetupLink } from '../src/console/setup/setup-link.js';
import { ConsoleBrowser, privileged, strongPassword } from './support/console.js';
import { createHarness, type Harness, ISSUER } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.dispose());

describe('first-run setup link', () => {
  it('creates the first admin once, stores only a hash, and is dead afterwards', async () => {
    const link = await issueSetupLink(h.ctx.db, ISSUER);
    expect(link).toMatch(/^http:\/\/auth\.test\/console\/setup\?token=[A-Za-z0-9_-]{43}$/);
    const token = new URL(link ?? '').searchParams.get('token') ?? '';
    // A second server process prints its own link; both work until one is used.
    const other = new URL((await issueSetupLink(h.ctx.db, ISSUER)) ?? '').searchParams.get('token');
    const stored = await privileged<{ token_hash: string }>(
      h,
      'SELECT token_hash FROM setup_tokens',
    );
    expect(stored).toHaveLength(2);
    expect(stored.map((r) => r.token_hash)).not.toContain(token);

    const wrong = new ConsoleBrowser(h);
    expect((await wrong.get(`/console/setup?token=${'b'.repeat(43)}`)).status).toBe(404);

    const admin = new ConsoleBrowser(h);
    expect((await admin.get(`/console/setup?token=${token}`)).status).toBe(200);
    const weak = await admin.post('/console/setup', {
      token,
      email: 'root@example.com',
      password: 'qwertyuiop123',
    });
    expect(weak.status).toBe(400);
    const created = await admin.post('/console/setup', {
      token,
      email: 'root@example.com',
      password: strongPassword(),
    });
    expect(created.status).toBe(303);
    expect((await admin.get('/console/admin')).status).toBe(200);
    const [user] = await privileged<{ role: string }>(h, 'SELECT role FROM users');
    expect(user?.role).toBe('admin');

    const again = new ConsoleBrowser(h);
    expect((await again.get(`/console/setup?token=${token}`)).status).toBe(404);
    expect((await again.get(`/console/setup?token=${other}`)).status).toBe(404);
    await again.get('/console/login');
    const replay = await again.post('/console/setup', {
      token,
      email: 'second@example.com',
      password: strongPassword(),
    });
    expect(replay.status).toBe(404);
    const [count] = await privileged<{ n: number }>(h, 'SELECT count(*)::int AS n FROM users');
    expect(count?.n).toBe(1);
    expect(await issueSetupLink(h.ctx.db, ISSUER)).toBeUndefined();
  });

  it('says why the link stopped working once a plain account exists, and how to get an admin', async () => {
    const fresh = await createHarness();
    try {
      const link = (await issueSetupLink(fresh.ctx.db, ISSUER)) ?? '';
      await fresh.createUser();
      const page = new ConsoleBrowser(fresh);
      expect((await page.get(new URL(link).pathname + new URL(link).search)).status).toBe(404);
      const text = page.lastHtml.replace(/\s+/g, ' ');
      expect(text).toContain('an account already exists');
      expect(text).toContain('even when that account is not an administrator');
      expect(text).toContain('npx auth-agent user create --email you@example.com --admin');
    } finally {
      await fresh.dispose();
    }
  });
});
