import { pbkdf2 as pbkdf2Callback, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { Semaphore } from './semaphore.js';

const pbkdf2 = promisify(pbkdf2Callback);
const SCHEME = 'pbkdf2-sha256';
const KEY_BYTES = 32;
const SALT_BYTES = 16;

/** libuv's thread pool size: its own UV_THREADPOOL_SIZE variable, 4 by default. */
const threadPoolSize = Math.max(1, Number(process.env.UV_THREADPOOL_SIZE) || 4);

/**
 * PBKDF2 runs on libuv's thread pool, which also runs every WebCrypto job (jose signs and
 * verifies access tokens there), file writes (the log) and DNS lookups. At most all threads
 * but one run PBKDF2 at once, so a flood of wrong secrets queues here, in JavaScript, and
 * valid requests' short jobs always find a free thread. (With one thread in the pool there
 * is nothing to keep free; then PBKDF2 gets it, one at a time.)
 */
export const PBKDF2_IN_FLIGHT = Math.max(1, threadPoolSize - 1);
const slots = new Semaphore(PBKDF2_IN_FLIGHT);

async function derive(secret: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return slots.run(() => pbkdf2(secret.normalize('NFC'), salt, iterations, KEY_BYTES, 'sha256'));
}

/** Stored format: `pbkdf2-sha256$<iterations>$<salt>$<hash>`, so the cost can be raised later. */
export async function hashSecret(secret: string, iterations: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(secret, salt, iterations);
  return [SCHEME, iterations, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

interface ParsedHash {
  iterations: number;
  salt: Buffer;
  hash: Buffer;
}

function parse(stored: string): ParsedHash | undefined {
  const [scheme, iterations, salt, hash] = stored.split('$');
  if (scheme !== SCHEME || !iterations || !salt || !hash) return undefined;
  const count = Number(iterations);
  if (!Number.isInteger(count) || count < 1) return undefined;
  return {
    iterations: count,
    salt: Buffer.from(salt, 'base64url'),
    hash: Buffer.from(hash, 'base64url'),
  };
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const candidate = await derive(secret, parsed.salt, parsed.iterations);
  return candidate.length === parsed.hash.length && timingSafeEqual(candidate, parsed.hash);
}

/** True when the stored hash uses fewer iterations than configured and should be re-hashed. */
export function needsRehash(stored: string, iterations: number): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.iterations < iterations;
}

/**
 * A hash of a random secret, used when an id is unknown so that the answer takes as long
 * as a real verification (no id enumeration by timing).
 */
let decoy: Promise<string> | undefined;
export function decoyHash(iterations: number): Promise<string> {
  decoy ??= hashSecret(randomBytes(32).toString('base64url'), iterations);
  return decoy;
}
