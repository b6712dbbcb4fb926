import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionUser } from '../src/accounts/provisioning.js';
import { ConsoleBrowser, privileged, signUp, strongPassword } from './support/console.js';
import { createHarness, type Harness } from './support/harness.js';
import { asUser } from './support/sessions.js';

// Admins promote, demote and delete users (docs/console.md); the server never loses its
// last admin, whoever runs the SQL.
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.dispose());

async function adminBrowser(email: string) {
  const password = strongPassword();
  const user = await provisionUser(h.ctx.db, {
    email,
    password,
    admin: true,
    iterations: h.ctx.config.pbkdf2Iterations,
  });
  const browser = new ConsoleBrowser(h);
  await browser.get('/console/login');
  await browser.post('/console/login', { email, password });
  return { browser, id: user.id };
}

async function userId(email: string): Promise<string> {
  const [row] = await privileged<{ id: string }>(h, 'SELECT id FROM users WHERE email = $1', [
    email,
  ]);
  return row?.id ?? '';
}

async function roleOf(id: string) {
  const [row] = await privileged<{ role: string }>(h, 'SELECT role FROM users WHERE id = $1', [id]);
  return row?.role;
}

describe('admin user management', () => {
  it('confirms, then promotes and demotes a user, and records it', async () => {
    const admin = await adminBrowser('boss@example.com');
    const member = await signUp(h);
    const id = await userId(member.email);
    await admin.browser.get('/console/admin');
    expect(admin.browser.lastHtml).toContain(`/console/admin/users/${id}/promote`);
    const confirm = await admin.browser.get(`/console/admin/users/${id}/promote`);
    expect(confirm.status).toBe(200);
    expect(admin.browser.lastHtml).toContain('every user, agent and website');
    expect(await roleOf(id)).toBe('user');
    const promote = await admin.browser.post(`/console/admin/users/${id}/promote`);
    expect(promote.headers.get('location')).toBe('/console/admin?done=role-changed');
    expect(await roleOf(id)).toBe('admin');
    // The promoted user's next page shows the admin area.
    expect((await member.browser.get('/console/admin')).status).toBe(200);
    await admin.browser.get(`/console/admin/users/${id}/demote`);
    await admin.browser.post(`/console/admin/users/${id}/demote`);
    expect(await roleOf(id)).toBe('user');
    expect((await member.browser.get('/console/admin')).status).toBe(404);
    await h.ctx.security.flush();
    const actions = await privileged<{ action: string }>(
      h,
      `SELECT details->>'action' AS action FROM security_events
       WHERE event = 'admin.action' AND target_id = $1 ORDER BY id`,
      [id],
    );
    expect(actions.map((a) => a.action)).toEqual(['promote', 'demote']);
  });

  it('deletes a user with their agents and websites, after naming them', async () => {
    const admin = await adminBrowser('chief@example.com');
    const owner = await h.createUser();
    await h.createAgent(owner.email);
    await h.createClient(owner.email);
    const id = await userId(owner.email);
    await admin.browser.get(`/console/admin/users/${id}/delete`);
    expect(admin.browser.lastHtml).toContain('1 agent(s) and 1 website(s)');
    const deleted = await admin.browser.post(`/console/admin/users/${id}/delete`);
    expect(deleted.headers.get('location')).toBe('/console/admin?done=user-deleted');
    const [left] = await privileged<{ n: number }>(
      h,
      'SELECT (SELECT count(*) FROM users WHERE id = $1) + (SELECT count(*) FROM agents WHERE owner_id = $1) AS n',
      [id],
    );
    expect(Number(left?.n)).toBe(0);
  });

  it('refuses to demote or delete the last admin', async () => {
    const db = await (await import('./support/database.js')).openTestDatabase();
    const solo = await createHarness({}, { db });
    try {
      const password = strongPassword();
      const only = await provisionUser(solo.ctx.db, {
        email: 'only@example.com',
        password,
        admin: true,
        iterations: solo.ctx.config.pbkdf2Iterations,
      });
      const browser = new ConsoleBrowser(solo);
      await browser.get('/console/login');
      await browser.post('/console/login', { email: 'only@example.com', password });
      await browser.get(`/console/admin/users/${only.id}/demote`);
      const demote = await browser.post(`/console/admin/users/${only.id}/demote`);
      expect(demote.status).toBe(409);
      expect(browser.lastHtml).toContain('only administrator');
      await browser.get(`/console/admin/users/${only.id}/delete`);
      expect((await browser.post(`/console/admin/users/${only.id}/delete`)).status).toBe(409);
      // With a second admin, the first may step down.
      const second = await signUp(solo);
      const secondId = (
        await solo.db.driver.privileged((tx) =>
          tx.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [second.email]),
        )
      )[0]?.id;
      await browser.get(`/console/admin/users/${secondId}/promote`);
      await browser.post(`/console/admin/users/${secondId}/promote`);
      await browser.get(`/console/admin/users/${only.id}/demote`);
      const stepDown = await browser.post(`/console/admin/users/${only.id}/demote`);
      expect(stepDown.headers.get('location')).toBe('/console');
      // Now the other is the last one.
      await second.browser.get(`/console/admin/users/${secondId}/delete`);
      expect((await second.browser.post(`/console/admin/users/${secondId}/delete`)).status).toBe(
        409,
      );
    } finally {
      await solo.dispose();
    }
  });

  it('enforces it in SQL: non-admins cannot call it, and the app role cannot go around it', async () => {
    const member = await signUp(h);
    const id = await userId(member.email);
    const admin = await adminBrowser('third@example.com');
    const attempt = (as: string, sql: string, params: unknown[]) =>
      asUser(h.ctx.db, as, (tx) => tx.query(sql, params)).then(
        () => 'allowed',
        (error: { code?: string }) => error.code,
      );
    expect(await attempt(id, 'SELECT * FROM app_admin_set_role($1, $2)', [id, 'admin'])).toBe(
      '42501',
    );
    expect(await attempt(id, 'SELECT * FROM app_admin_delete_user($1)', [admin.id])).toBe('42501');
    // Direct writes are no longer granted: roles and deletions go through the functions.
    expect(await attempt(admin.id, `UPDATE users SET role = 'admin' WHERE id = $1`, [id])).toBe(
      '42501',
    );
    expect(await attempt(admin.id, 'DELETE FROM users WHERE id = $1', [id])).toBe('42501');
    expect(await roleOf(id)).toBe('user');
    // A non-admin sees the confirmation pages as any page not theirs: 404.
    expect((await member.browser.get(`/console/admin/users/${id}/promote`)).status).toBe(404);
    await member.browser.get('/console');
    expect((await member.browser.post(`/console/admin/users/${id}/promote`)).status).toBe(404);
  });
});
