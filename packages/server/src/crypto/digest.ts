import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** SHA-256, base64url: how codes, refresh tokens, request ids and session ids are stored. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

export function hmacSha256(key: Uint8Array | string, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('base64url');
}

/**
 * Constant-time string comparison. Both sides are hashed first so that the comparison
 * neither short-circuits on length nor leaks it.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}
