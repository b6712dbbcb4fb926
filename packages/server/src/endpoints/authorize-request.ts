import { z } from 'zod';
import { oauthError } from '../errors.js';
import type { Params } from '../http/params.js';
import { isValidS256Challenge } from '../oauth/pkce.js';
import { parseScope } from '../oauth/scopes.js';

// The parameters of an authorization request (RFC 6749 §4.1.1) beyond client_id and
// redirect_uri, which src/endpoints/authorize.ts checks against the client first.

const authorizeSchema = z.object({
  response_type: z.string(),
  state: z.string().max(1024),
  code_challenge: z.string(),
  code_challenge_method: z.string().optional(),
  scope: z.string().optional(),
});

/** Throws an OAuthError naming the first problem; the caller reports it to the client. */
export function validateRequest(params: Params) {
  if (!params.has('response_type'))
    throw oauthError.invalidRequest('The response_type parameter is missing.');
  if (params.get('response_type') !== 'code') {
    throw oauthError.unsupportedResponseType('Only response_type=code is supported.');
  }
  if (!params.has('state')) throw oauthError.invalidRequest('The state parameter is required.');
  if (!params.has('code_challenge'))
    throw oauthError.invalidRequest(
      'PKCE is required: send code_challenge with code_challenge_method=S256.',
    );
  // RFC 7636 §4.3 makes "plain" the default method; OAuth 2.1 §4.1.1 lets us refuse it.
  if (params.get('code_challenge_method') !== 'S256') {
    throw oauthError.invalidRequest('code_challenge_method must be S256; plain is not supported.');
  }
  const parsed = authorizeSchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw oauthError.invalidRequest('The state parameter is too long.');
  if (!isValidS256Challenge(parsed.data.code_challenge)) {
    throw oauthError.invalidRequest(
      'code_challenge must be a 43-character base64url SHA-256 value.',
    );
  }
  return { ...parsed.data, scope: parseScope(parsed.data.scope) };
}

export type AuthorizeRequest = ReturnType<typeof validateRequest>;
