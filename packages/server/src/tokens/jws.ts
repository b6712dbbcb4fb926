import { createHmac, KeyObject, sign } from 'node:crypto';
import type { SigningAlg } from '../config/load.js';

/** The protected header of the server's JWTs (RFC 7515 §4.1). */
export interface JwtHeader {
  alg: SigningAlg;
  typ: 'at+jwt' | 'JWT';
  kid: string;
}

/** The node:crypto form of each signing CryptoKey, made once per key. */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

function keyObjectOf(key: CryptoKey): KeyObject {
  let object = keyObjects.get(key);
  if (!object) {
    object = KeyObject.from(key);
    keyObjects.set(key, object);
  }
  return object;
}

function signature(alg: SigningAlg, input: Buffer, key: KeyObject): Buffer {
  switch (alg) {
    case 'HS256':
      return createHmac('sha256', key).update(input).digest();
    case 'ES256':
      // JWS wants r || s (RFC 7518 §3.4), not the DER that node:crypto gives by default.
      return sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' });
    case 'RS256':
      return sign('sha256', input, key);
    case 'EdDSA':
      return sign(null, input, key);
  }
}

/**
 * A signed JWT in the JWS Compact Serialization (RFC 7515 §7.1): the header and the claims
 * as JSON, base64url-encoded, and the signature of the two. Signed with node:crypto, not
 * jose: jose signs only through WebCrypto, where each signature is a job on the libuv thread
 * pool; an ES256 signature cost 80 to 115 µs of CPU that way against about 40 µs with
 * node:crypto's synchronous sign (bench/ANALYSIS.md, "Eleventh round"). jose still verifies
 * every token, here and in the interoperability tests.
 */
export function signJwt(header: JwtHeader, claims: object, key: CryptoKey): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  const signed = signature(header.alg, Buffer.from(input), keyObjectOf(key));
  return `${input}.${signed.toString('base64url')}`;
}
