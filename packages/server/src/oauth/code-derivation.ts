import { hmacSha256 } from '../crypto/digest.js';

/**
 * The code for a request is derived from its id under a server key rather than stored:
 * the agent authenticates over a back channel and the bound browser fetches the code
 * later, yet the database only ever holds SHA-256(code). The request id carries 256 bits,
 * so the code does too.
 */
export function codeForRequest(codeKey: Uint8Array, requestId: string): string {
  return hmacSha256(codeKey, `code\0${requestId}`);
}

/**
 * A refresh token's successor is derived from it under the same server key, not drawn at
 * random: a client that lost the answer to its refresh and sends the token again gets the
 * same successor (RFC 9700 §4.14, REFRESH_RETRY_WINDOW), and the database still holds only
 * SHA-256 of each. The successor carries 256 bits however short the presented token.
 */
export function refreshTokenAfter(key: Uint8Array, refreshToken: string): string {
  return hmacSha256(key, `refresh\0${refreshToken}`);
}
