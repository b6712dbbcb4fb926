import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * TOTP (RFC 6238) with the parameters every authenticator app uses by default: HMAC-SHA1,
 * 6 digits, 30-second steps from the Unix epoch (RFC 6238 §4), over HOTP (RFC 4226 §5).
 */
export const TOTP_STEP_SECONDS = 30;
const DIGITS = 6;
/** Codes of one step either side are accepted, for clock drift (RFC 6238 §5.2). */
const DRIFT_STEPS = 1;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A new secret: 160 bits, the HMAC-SHA1 key length RFC 4226 §4 recommends. */
export function newTotpSecret(): Buffer {
  return randomBytes(20);
}

/** RFC 4648 §6 base32 without padding, as otpauth:// URIs carry the secret. */
export function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** RFC 4226 §5.3: HMAC-SHA1 of the 8-byte counter, dynamically truncated to DIGITS. */
export function hotp(secret: Uint8Array, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** DIGITS;
  return String(code).padStart(DIGITS, '0');
}

export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS);
}

/**
 * The time step whose code `code` is (now, or one step either side), or undefined. Every
 * candidate is compared in constant time. The caller refuses a step used before (replay).
 */
export function matchingStep(secret: Uint8Array, code: string, nowMs: number): number | undefined {
  const typed = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(typed)) return undefined;
  const now = totpStep(nowMs);
  let found: number | undefined;
  for (let step = now - DRIFT_STEPS; step <= now + DRIFT_STEPS; step++) {
    if (timingSafeEqual(Buffer.from(hotp(secret, step)), Buffer.from(typed))) found = step;
  }
  return found;
}

/** The key URI authenticator apps import (Google Authenticator's otpauth:// format). */
export function otpauthUri(issuer: string, account: string, secret: Uint8Array): string {
  const uri = new URL(`otpauth://totp/${encodeURIComponent(`${issuer}:${account}`)}`);
  uri.searchParams.set('secret', base32(secret));
  uri.searchParams.set('issuer', issuer);
  uri.searchParams.set('algorithm', 'SHA1');
  uri.searchParams.set('digits', String(DIGITS));
  uri.searchParams.set('period', String(TOTP_STEP_SECONDS));
  return uri.href;
}
