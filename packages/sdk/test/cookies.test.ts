import { describe, expect, it } from 'vitest';
import { readCookie, type TokenSet, tokenCookies } from '../src/website/index.js';

const SECRET = 'a-cookie-secret-of-at-least-32-characters!';
const TOKENS: TokenSet = {
  accessToken: 'eyJ.access.token',
  refreshToken: 'refresh-token-value',
  expiresAt: 2_000_000_000,
  scope: 'openid email',
  tokenType: 'bearer',
};

/** Turns a Set-Cookie value into the Cookie header a browser would send back. */
const asCookieHeader = (setCookie: string) => setCookie.split(';')[0] ?? '';

describe('tokenCookies', () => {
  it('stores tokens in an encrypted HttpOnly, Secure, SameSite=Lax, __Host- cookie', async () => {
    const cookies = tokenCookies({ secret: SECRET });
    const setCookie = await cookies.sealTokens(TOKENS);
    expect(setCookie).toMatch(/^__Host-auth_agent_session=/);
    expect(setCookie).toContain('; HttpOnly');
    expect(setCookie).toContain('; Secure');
    expect(setCookie).toContain('; SameSite=Lax');
    expect(setCookie).toContain('; Path=/');
    // The browser holds ciphertext: no token appears in the cookie.
    expect(setCookie).not.toContain(TOKENS.accessToken);
    expect(setCookie).not.toContain(TOKENS.refreshToken);
    expect(await cookies.readTokens(`other=1; ${asCookieHeader(setCookie)}`)).toEqual(TOKENS);
  });

  it('drops Secure and the prefix only when told (http://localhost development)', async () => {
    const cookies = tokenCookies({ secret: SECRET, secure: false });
    const setCookie = await cookies.sealTokens(TOKENS);
    expect(setCookie).toMatch(/^auth_agent_session=/);
    expect(setCookie).not.toContain('Secure');
    expect(setCookie).toContain('HttpOnly');
  });

  it('returns undefined for a tampered cookie, another key, a missing cookie', async () => {
    const cookies = tokenCookies({ secret: SECRET });
    const header = asCookieHeader(await cookies.sealTokens(TOKENS));
    const flipped = header.slice(0, -3) + (header.endsWith('A') ? 'BBB' : 'AAA');
    expect(await cookies.readTokens(flipped)).toBeUndefined();
    const otherKey = tokenCookies({ secret: `${SECRET}-rotated` });
    expect(await otherKey.readTokens(header)).toBeUndefined();
    expect(await cookies.readTokens(undefined)).toBeUndefined();
    expect(await cookies.readTokens('unrelated=1')).toBeUndefined();
  });

  it('keeps the sign-in transaction separate: a transaction cookie is never read as tokens', async () => {
    const cookies = tokenCookies({ secret: SECRET });
    const tx = { state: 'state-value', codeVerifier: 'verifier-value' };
    const setCookie = await cookies.sealTransaction(tx);
    expect(setCookie).toContain('Max-Age=600');
    expect(await cookies.readTransaction(asCookieHeader(setCookie))).toEqual(tx);
    // Same key, other purpose: renaming the cookie does not turn a transaction into tokens.
    const renamed = asCookieHeader(setCookie).replace('_tx=', '_session=');
    expect(await cookies.readTokens(renamed)).toBeUndefined();
  });

  it('clears cookies with Max-Age=0', () => {
    const cookies = tokenCookies({ secret: SECRET });
    expect(cookies.clearTokens()).toMatch(/^__Host-auth_agent_session=; .*Max-Age=0/);
    expect(cookies.clearTransaction()).toMatch(/^__Host-auth_agent_tx=; .*Max-Age=0/);
  });

  it('refuses a short secret and a bad cookie name', () => {
    expect(() => tokenCookies({ secret: 'short' })).toThrowError(
      expect.objectContaining({ code: 'invalid_config' }),
    );
    expect(() => tokenCookies({ secret: SECRET, name: 'bad name;' })).toThrowError(
      expect.objectContaining({ code: 'invalid_config' }),
    );
  });

  it('readCookie finds one cookie among several', () => {
    expect(readCookie('a=1; b=two; c=3', 'b')).toBe('two');
    expect(readCookie('a=1', 'b')).toBeUndefined();
  });
});
