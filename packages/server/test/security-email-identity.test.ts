import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_TIMEOUT } from './security-helpers.js';
import { ConsoleBrowser, signUp, strongPassword } from './support/console.js';
import { createHarness, type Harness } from './support/harness.js';

// Finding 1 of the abuse review: an email written differently (case, surrounding space,
// Unicode compatibility forms) is the same account, so it must be the same counter for the
// per-email rate limit and for lockout; otherwise each spelling buys a fresh budget.
let h: Harness;
beforeAll(async () => {
  h = await createHarness({
    LOCKOUT_MAX_FAILURES: '3',
    RATE_LIMITS: 'console_login=1000/5,console_signup=1000/1000',
  });
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

/** Spellings of `local@domain` that NFKC, trimming and lower-casing make equal. */
function spellings(local: string, domain: string): string[] {
  const fullwidth = [...local]
    .map((ch) =>
      /[a-z0-9]/.test(ch) ? String.fromCodePoint((ch.codePointAt(0) ?? 0) + 0xfee0) : ch,
    )
    .join('');
  return [
    `  ${local.toUpperCase()}@${domain}`,
    `${local}@${domain.toUpperCase()}\t`,
    `${fullwidth}@${domain}`,
    ` ${local[0]?.toUpperCase()}${local.slice(1)}@${domain} `,
  ];
}

async function logIn(email: string, password: string) {
  const browser = new ConsoleBrowser(h);
  await browser.get('/console/login');
  const response = await browser.post('/console/login', { email, password });
  return { status: response.status, html: browser.lastHtml };
}

describe('email spellings are one identity', () => {
  it('for lockout: three wrong passwords under three spellings lock the account', async () => {
    const local = `lock${randomBytes(4).toString('hex')}`;
    const user = await signUp(h, `${local}@example.com`);
    const [a, b, c, d] = spellings(local, 'example.com');
    // Every spelling is the account: the right password logs in under any of them.
    expect((await logIn(d ?? '', user.password)).status).toBe(303);
    for (const spelling of [a, b, c]) {
      const wrong = await logIn(spelling ?? '', strongPassword());
      expect(wrong.status).toBe(401);
      expect(wrong.html).toContain('The email or password is wrong.');
    }
    const right = await logIn(user.email, user.password);
    expect(right.status).toBe(401);
    expect(right.html).toContain('Too many failed attempts');
  });

  it('for the per-email rate limit: the sixth attempt under any spelling is a 429', async () => {
    const local = `rate${randomBytes(4).toString('hex')}`;
    const statuses: number[] = [];
    for (const spelling of [
      ...spellings(local, 'example.org'),
      `${local}@example.org`,
      `${local.toUpperCase()}@EXAMPLE.org`,
    ])
      statuses.push((await logIn(spelling, strongPassword())).status);
    expect(statuses.slice(0, 5).every((s) => s !== 429)).toBe(true);
    expect(statuses[5]).toBe(429);
  });
});
