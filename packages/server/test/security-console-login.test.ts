import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, signUp, strongPassword } from './support/console.js';
import { asSuperuser } from './support/database.js';
import { createHarness, type Harness } from './support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({
    LOCKOUT_MAX_FAILURES: '3',
    RATE_LIMITS: 'console_login=1000/6,console_signup=1000/1000',
  });
});
afterAll(() => h.dispose());

async function logIn(email: string, password: string) {
  const browser = new ConsoleBrowser(h);
  await browser.get('/console/login');
  const response = await browser.post('/console/login', { email, password });
  return { response, html: browser.lastHtml };
}

describe('console log-in under lockout and rate limits', () => {
  it('locks an account after repeated wrong passwords, even for the right one, and records it', async () => {
    const user = await signUp(h);
    for (let i = 0; i < 3; i++) {
      const wrong = await logIn(user.email, strongPassword());
      expect(wrong.html).toContain('The email or password is wrong.');
    }
    const right = await logIn(user.email, user.password);
    expect(right.response.status).toBe(401);
    expect(right.html).toContain('Too many failed attempts');
    expect(Number(right.response.headers.get('retry-after'))).toBeGreaterThan(0);
    await h.ctx.security.flush(); // events are stored in batches (security-log.ts)
    const events = await asSuperuser<{ event: string; outcome: string }>(
      h.db.driver,
      "SELECT event, outcome FROM security_events WHERE event IN ('user.authentication', 'lockout.locked')",
    );
    expect(events).toContainEqual({ event: 'lockout.locked', outcome: 'denied' });
    expect(
      events.filter((e) => e.event === 'user.authentication' && e.outcome === 'failure'),
    ).toHaveLength(3);
  });

  it('answers an unknown email exactly like a real one, lockout included', async () => {
    const ghost = `ghost-${Date.now()}@example.com`;
    const answers: string[] = [];
    for (let i = 0; i < 4; i++)
      answers.push(
        (await logIn(ghost, strongPassword())).html.includes('Too many') ? 'locked' : 'wrong',
      );
    expect(answers).toEqual(['wrong', 'wrong', 'wrong', 'locked']);
  });

  it('records a successful log-in', async () => {
    const user = await signUp(h);
    const ok = await logIn(user.email, user.password);
    expect(ok.response.status).toBe(303);
    await h.ctx.security.flush();
    const [row] = await asSuperuser<{ n: number }>(
      h.db.driver,
      "SELECT count(*)::int AS n FROM security_events WHERE event = 'user.authentication' AND outcome = 'success'",
    );
    expect(row?.n).toBeGreaterThan(0);
  });

  it('rate-limits log-in attempts per email with a 429 and Retry-After', async () => {
    const email = `burst-${Date.now()}@example.com`;
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 8; i++) {
      const { response } = await logIn(email, strongPassword());
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
    }
    expect(statuses.slice(0, 6).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(6)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});
