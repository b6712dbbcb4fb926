import { pbkdf2 as pbkdf2Callback, randomBytes } from 'node:crypto';
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
/**
 * Derivations allowed to wait for a thread. Beyond this the work is refused at once
 * (QueueFull, answered 503 with Retry-After) instead of queueing: with 100,000 iterations a
 * derivation takes ~20 ms, so a full queue is about half a second of work (docs/security.md).
 */
export const PBKDF2_MAX_QUEUED = 64;
const slots = new Semaphore(PBKDF2_IN_FLIGHT, PBKDF2_MAX_QUEUED);

/** True while the queue is full: one more derivation would be refused with QueueFull. */
export function pbkdf2QueueFull(): boolean {
  return slots.queued >= PBKDF2_MAX_QUEUED;
}

/** Derivations running on the thread pool and waiting for it, for tests and metrics. */
export function pbkdf2Load(): { running: number; queued: number } {
  return { running: slots.running, queued: slots.queued };
}

async function derive(secret: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return slots.run(() => pbkdf2(secret.normalize('NFC'), salt, iterations, KEY_BYTES, 'sha256'));
}

/**
 * Stored format: `pbkdf2-sha256$<iterations>$<salt>$<hash>`, so the cost can be raised later.
 * Everything before the last `$` is the hash's parameters; the database hands out only
 * those (migrations/functions/02-principals.sql).
 */
export async function hashSecret(secret: string, iterations: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(secret, salt, iterations);
  return [SCHEME, iterations, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

interface HashParams {
  iterations: number;
  salt: Buffer;
}

function parseParams(params: string): HashParams | undefined {
  const [scheme, iterations, salt, ...rest] = params.split('$');
  if (scheme !== SCHEME || !iterations || !salt || rest.length > 0) return undefined;
  const count = Number(iterations);
  if (!Number.isInteger(count) || count < 1) return undefined;
  return { iterations: count, salt: Buffer.from(salt, 'base64url') };
}

/**
 * The proof of a secret: its PBKDF2 output under the stored hash's parameters, which the
 * database compares with the stored hash. Parameters it cannot read (a corrupt row) yield a
 * proof that matches nothing, after the same work.
 */
export async function deriveProof(
  secret: string,
  params: string,
  iterations: number,
): Promise<string> {
  const parsed = parseParams(params) ?? { iterations, salt: randomBytes(SALT_BYTES) };
  return (await derive(secret, parsed.salt, parsed.iterations)).toString('base64url');
}

/**
 * Parameters for an identifier that does not exist, so that its answer takes as long as a
 * real check (no enumeration by timing). Fresh salt each time: nothing to match against.
 */
export function decoyParams(iterations: number): string {
  return [SCHEME, iterations, randomBytes(SALT_BYTES).toString('base64url')].join('$');
}

/** True when stored parameters use fewer iterations than configured (re-hash on success). */
export function needsRehash(params: string, iterations: number): boolean {
  const parsed = parseParams(params);
  return !parsed || parsed.iterations < iterations;
}

/**
 * A new secret's hash under an existing hash's parameters (same salt and iterations), for a
 * rotation whose replaced secret keeps working a while: one proof then matches either
 * (migrations/functions/02-principals.sql, auth_secret_matches). Reusing one principal's
 * salt for its next random secret keeps what a salt is for: no two principals share one.
 * Undefined when the parameters cannot be read.
 */
export async function hashSecretUnder(secret: string, params: string): Promise<string | undefined> {
  const parsed = parseParams(params);
  if (!parsed) return undefined;
  return `${params}$${(await derive(secret, parsed.salt, parsed.iterations)).toString('base64url')}`;
}
