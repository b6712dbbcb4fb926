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
