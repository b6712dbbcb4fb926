import { SignJWT } from 'jose';
import type { Harness } from './harness.js';

/**
 * A token signed with the server's own current key (or `options.key`) under its kid: what a
 * forger could make, or the server's own token with one thing changed.
 */
export async function forgedToken(
  h: Harness,
  claims: Record<string, unknown>,
  options: { typ?: string; key?: CryptoKey | Uint8Array; alg?: string } = {},
): Promise<string> {
  const current = await h.ctx.keys.signingKey();
  return new SignJWT(claims)
    .setProtectedHeader({
      alg: options.alg ?? current.alg,
      typ: options.typ ?? 'at+jwt',
      kid: current.kid,
    })
    .sign(options.key ?? current.key);
}
