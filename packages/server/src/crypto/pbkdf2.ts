import { pbkdf2 as pbkdf2Callback, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { Semaphore } from './semaphore.js';

const pbkdf2 = promisify(pbkdf2Callback);
const SCHEME = 'pbkdf2-sha256';
const KEY_BYTES = 32;
const SALT_BYTES = 16;

/**
 * PBKDF2 runs on libuv's thread pool. Bounding how many run at once keeps a flood of
 * wrong secrets from occupying every thread and starving file and DNS work.
 */
const slots = new Semaphore(Math.max(2, Number(process.env.UV_THREADPOOL_SIZE ?? 4)));

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
