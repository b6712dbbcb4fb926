import { EncryptJWT, jwtDecrypt } from 'jose';
import { AuthAgentError } from '../shared/errors.js';
import type { AuthorizationTransaction } from './authorize.js';
import type { TokenSet } from './tokens.js';

/** Options for {@link tokenCookies}. */
export interface TokenCookieOptions {
  /** At least 32 characters of secret; cookies are encrypted (A256GCM) with a key derived from it. */
  secret: string;
  /** Add `Secure` and the `__Host-` prefix. Default true; turn off only for http://localhost. */
  secure?: boolean;
  /** Lifetime of the token cookie in seconds. Default 30 days (the refresh token's). */
  maxAgeSeconds?: number;
  /** Base cookie name. Default `auth_agent`. */
  name?: string;
}

/**
 * Reads and writes the website's Auth Agent cookies. Every cookie is HttpOnly (scripts in
 * the page cannot read it, unlike `localStorage`), SameSite=Lax, and encrypted, so the
 * browser holds tokens it can neither read nor alter. Values are `Set-Cookie` header values.
 */
export interface TokenCookies {
  /** `Set-Cookie` value storing the tokens. */
  sealTokens(tokens: TokenSet): Promise<string>;
  /** The tokens from a `Cookie` header, or undefined when absent, expired or tampered with. */
  readTokens(cookieHeader: string | null | undefined): Promise<TokenSet | undefined>;
  /** `Set-Cookie` value deleting the tokens (sign-out). */
  clearTokens(): string;
  /** `Set-Cookie` value storing the sign-in transaction for 10 minutes. */
  sealTransaction(transaction: AuthorizationTransaction): Promise<string>;
  /** The transaction from a `Cookie` header, or undefined. */
  readTransaction(
    cookieHeader: string | null | undefined,
  ): Promise<AuthorizationTransaction | undefined>;
  /** `Set-Cookie` value deleting the transaction (after the callback). */
  clearTransaction(): string;
}

const TRANSACTION_SECONDS = 600;
const COOKIE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

async function deriveKey(secret: string): Promise<Uint8Array> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(`auth-agent-cookie:${secret}`),
  );
  return new Uint8Array(digest);
}

/**
 * Reads one cookie from a `Cookie` header.
 *
 * @param cookieHeader - the request's Cookie header
 * @param name - the cookie name
 */
export function readCookie(
  cookieHeader: string | null | undefined,
  name: string,
): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Creates the cookie helpers of a website. Call once at start-up.
 *
 * @param options - secret, secure flag, lifetime, name
 * @throws {@link AuthAgentError} `invalid_config` for a short secret or a bad name
 *
 * @example
 * ```ts
 * const cookies = tokenCookies({ secret: process.env.COOKIE_SECRET! });
 * res.setHeader('Set-Cookie', await cookies.sealTokens(tokens));
 * const tokens = await cookies.readTokens(req.headers.cookie);
 * ```
 */
export function tokenCookies(options: TokenCookieOptions): TokenCookies {
  if (typeof options.secret !== 'string' || options.secret.length < 32)
    throw new AuthAgentError('invalid_config', 'The cookie secret must be at least 32 characters.');
  const base = options.name ?? 'auth_agent';
  if (!COOKIE_NAME.test(base))
    throw new AuthAgentError('invalid_config', 'The cookie name may use A-Z, a-z, 0-9, _ and -.');
  const secure = options.secure ?? true;
  // __Host- makes the browser refuse the cookie unless Secure, Path=/ and no Domain.
  const prefix = secure ? '__Host-' : '';
  const tokensName = `${prefix}${base}_session`;
  const transactionName = `${prefix}${base}_tx`;
  const maxAge = options.maxAgeSeconds ?? 30 * 24 * 60 * 60;
  const key = deriveKey(options.secret);

  const serialize = (name: string, value: string, seconds: number) =>
    `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${seconds}${secure ? '; Secure' : ''}`;

  async function seal(payload: Record<string, unknown>, purpose: string, seconds: number) {
    return new EncryptJWT({ ...payload, purpose })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setIssuedAt()
      .setExpirationTime(`${seconds}s`)
      .encrypt(await key);
  }

  async function open(cookieHeader: string | null | undefined, name: string, purpose: string) {
    const value = readCookie(cookieHeader, name);
    if (!value) return undefined;
    try {
      const { payload } = await jwtDecrypt(value, await key);
      return payload.purpose === purpose ? payload : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    async sealTokens(tokens) {
      return serialize(tokensName, await seal({ tokens }, 'tokens', maxAge), maxAge);
    },
    async readTokens(cookieHeader) {
      const payload = await open(cookieHeader, tokensName, 'tokens');
      const tokens = payload?.tokens as TokenSet | undefined;
      return typeof tokens?.accessToken === 'string' ? tokens : undefined;
    },
    clearTokens: () => serialize(tokensName, '', 0),
    async sealTransaction(transaction) {
      const { state, codeVerifier } = transaction;
      const sealed = await seal({ state, codeVerifier }, 'transaction', TRANSACTION_SECONDS);
      return serialize(transactionName, sealed, TRANSACTION_SECONDS);
    },
    async readTransaction(cookieHeader) {
      const payload = await open(cookieHeader, transactionName, 'transaction');
      const { state, codeVerifier } = payload ?? {};
      return typeof state === 'string' && typeof codeVerifier === 'string'
        ? { state, codeVerifier }
        : undefined;
    },
    clearTransaction: () => serialize(transactionName, '', 0),
  };
}
