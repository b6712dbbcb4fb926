import type { JSONWebKeySet } from 'jose';

/** Algorithms a client may sign its private_key_jwt assertion with (asymmetric only). */
export const ASSERTION_SIGNING_ALGS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'] as const;

const KEY_TYPES = new Set(['EC', 'RSA', 'OKP']);
/** Members that only a private (or symmetric) key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_KEYS = 10;
const MAX_JSON_LENGTH = 16_384;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A client's JWK Set (RFC 7517 §5) as the server will use it: public signing keys only. A set
 * with private key material is refused rather than stored, so the client learns of the leak
 * (CIMD draft §"Credential and Key Material Restrictions"). Returns the set or a problem.
 */
export function publicKeySet(raw: unknown): JSONWebKeySet | string {
  if (!isObject(raw) || !Array.isArray(raw.keys)) return 'must be a JWK Set with a "keys" array';
  if (JSON.stringify(raw).length > MAX_JSON_LENGTH) return 'is too large';
  const keys = raw.keys as unknown[];
  if (keys.length === 0 || keys.length > MAX_KEYS) return `must hold 1 to ${MAX_KEYS} keys`;
  for (const key of keys) {
    if (!isObject(key) || typeof key.kty !== 'string' || !KEY_TYPES.has(key.kty))
      return 'may hold only EC, RSA or OKP public keys';
    if (PRIVATE_MEMBERS.some((member) => member in key))
      return 'must not contain private key material';
    if (key.use !== undefined && key.use !== 'sig') return 'keys must be for signatures';
    if (key.alg !== undefined && !(ASSERTION_SIGNING_ALGS as readonly unknown[]).includes(key.alg))
      return `key algorithms must be one of ${ASSERTION_SIGNING_ALGS.join(', ')}`;
  }
  return { keys: keys as JSONWebKeySet['keys'] };
}
