/**
 * JWS algorithms with a public verification key. HS256 and `none` are never accepted for
 * access tokens or DPoP proofs: a shared secret would let every resource server mint tokens
 * (RFC 9068 §4, RFC 9449 §4.3 "not none or a symmetric algorithm").
 */
const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/;

/** True for an asymmetric JWS algorithm name. */
export function isAsymmetricAlgorithm(alg: unknown): alg is string {
  return typeof alg === 'string' && ASYMMETRIC.test(alg);
}

/**
 * The asymmetric algorithms of a metadata list such as
 * `access_token_signing_alg_values_supported`; anything else is dropped.
 *
 * @param advertised - the metadata value, whatever its type
 */
export function asymmetricAlgorithms(advertised: unknown): string[] {
  return Array.isArray(advertised) ? advertised.filter(isAsymmetricAlgorithm) : [];
}

/** DPoP proof algorithms a resource server accepts unless told otherwise. */
export const DEFAULT_DPOP_ALGORITHMS: readonly string[] = Object.freeze([
  'ES256',
  'ES384',
  'EdDSA',
  'Ed25519',
  'PS256',
  'RS256',
]);
