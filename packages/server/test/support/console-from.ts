import { fromIp } from '../security-helpers.js';
import { type Harness, ISSUER } from './harness.js';

/**
 * A console log-in from `ip` (X-Forwarded-For; the harness needs TRUST_PROXY=1): the log-in
 * page for its CSRF cookie and field, then the post, as a browser at that address would.
 */
export async function consoleLoginFrom(
  h: Harness,
  ip: string,
  email: string,
  password: string,
): Promise<Response> {
  const page = await h.request('/console/login', fromIp(ip));
  const cookie = page.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  return h.request(
    '/console/login',
    fromIp(ip, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ISSUER, cookie },
      body: new URLSearchParams({ email, password, csrf }).toString(),
    }),
  );
}
