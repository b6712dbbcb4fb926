import { z } from 'zod';
import { OAuthError, oauthError } from '../errors.js';
import { type Params, repeatedValues } from '../http/params.js';
import { isValidS256Challenge } from '../oauth/pkce.js';
import { checkedResources, MAX_AUTHORIZATION_RESOURCES } from '../oauth/resource-indicators.js';
import { parseScope } from '../oauth/scopes.js';

// The parameters of an authorization request (RFC 6749 §4.1.1) beyond client_id and
// redirect_uri, which src/endpoints/authorize.ts checks against the client first.

const authorizeSchema = z.object({
  response_type: z.string(),
  state: z.string().max(1024, 'The state parameter is too long.'),
  code_challenge: z.string(),
  code_challenge_method: z.string().optional(),
  scope: z.string().optional(),
  nonce: z.string().min(1).max(512, 'The nonce parameter is too long.').optional(),
});

const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);

/**
 * OpenID Connect Core §3.1.2.1 prompt and max_age. Every agent sign-in authenticates the
 * agent anew and there is no session to reuse, so `login`, `consent`, `select_account` and
 * any max_age are met by what happens anyway (auth_time is the sign-in), and `none` can
 * never be: login_required (§3.1.2.6), sent to the client like any error.
 */
function checkOpenIdParameters(params: Params): void {
  if (params.has('request'))
    throw new OAuthError('request_not_supported', 'Request objects are not supported.');
  if (params.has('request_uri'))
    throw new OAuthError('request_uri_not_supported', 'request_uri is not supported.');
  const maxAge = params.get('max_age');
  if (maxAge !== undefined && !/^\d{1,10}$/.test(maxAge))
    throw oauthError.invalidRequest('max_age must be a number of seconds.');
  const prompt = params.get('prompt');
  if (prompt === undefined) return;
  const values = prompt.split(' ');
  if (values.some((v) => !PROMPTS.has(v)))
    throw oauthError.invalidRequest('prompt may only hold none, login, consent, select_account.');
  if (values.includes('none') && values.length > 1)
    throw oauthError.invalidRequest('prompt=none cannot be combined with other values.');
  if (values.includes('none'))
    throw new OAuthError(
      'login_required',
      'Every agent sign-in needs the agent to authenticate; prompt=none cannot be honoured.',
    );
}

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
  if (!parsed.success)
    throw oauthError.invalidRequest(parsed.error.issues[0]?.message ?? 'Invalid parameters.');
  if (!isValidS256Challenge(parsed.data.code_challenge)) {
    throw oauthError.invalidRequest(
      'code_challenge must be a 43-character base64url SHA-256 value.',
    );
  }
  // RFC 8707 §2.1: the APIs the grant is for; their scopes may be asked for with them.
  const resources = checkedResources(
    repeatedValues(params, 'resource'),
    MAX_AUTHORIZATION_RESOURCES,
  );
  const scope = parseScope(parsed.data.scope, { resourceScopes: resources.length > 0 });
  checkOpenIdParameters(params);
  return { ...parsed.data, scope, resources };
}

export type AuthorizeRequest = ReturnType<typeof validateRequest>;
