import type { Context } from 'hono';
import { z } from 'zod';
import { sourceOfRequest } from '../auth/source.js';
import { sha256 } from '../crypto/digest.js';
import { OAuthError, oauthError } from '../errors.js';
import { requestOf } from '../http/request-context.js';
import { inputOf } from '../http/request-input.js';
import { parseParams } from '../http/validate.js';
import { codeForRequest } from '../oauth/code-derivation.js';
import {
  authenticationEvent,
  authenticationRefused,
  authenticationSucceeded,
} from '../security/auth-events.js';
import type { ServerContext } from '../server-context.js';
import type { SignInOutcome } from '../storage/oauth-store.js';
import type { PrincipalOutcome } from '../storage/principal-store.js';

const PRINTABLE = /^[^\p{Cc}]+$/u;

const authenticateSchema = z.object({
  request_id: z.string().min(1).max(256),
  agent_id: z.string().min(1).max(128),
  agent_secret: z.string().min(1).max(512),
  model: z.string().min(1).max(200).regex(PRINTABLE),
});

const EXPIRED = 'The sign-in request has expired; start again from the website.';

/** The answer for every outcome but success; what each request status means is SQL's. */
function refusal(outcome: Exclude<SignInOutcome['outcome'], 'ok'>, retryAfter: number): OAuthError {
  switch (outcome) {
    case 'principal_invalid':
    case 'principal_under_attack':
      return oauthError.accessDenied('Invalid agent credentials.', 401);
    case 'principal_locked':
      return new OAuthError(
        'access_denied',
        'Too many failed sign-in attempts for this agent from here; it is temporarily locked. Its owner can unlock it.',
        403,
        { 'Retry-After': String(retryAfter) },
      );
    case 'principal_busy':
      return new OAuthError(
        'temporarily_unavailable',
        'Too many sign-in attempts are being checked; retry shortly.',
        503,
        { 'Retry-After': String(Math.max(1, retryAfter)) },
      );
    case 'principal_disabled':
      return oauthError.accessDenied('This agent is disabled.');
    case 'website_not_allowed':
      return oauthError.accessDenied(
        "This agent's owner allows it to sign in only to certain websites, and this is not one of them.",
      );
    case 'api_not_allowed':
      return oauthError.accessDenied(
        "This agent's owner allows it to obtain tokens only for certain APIs, and the website asked for another.",
      );
    case 'expired':
      return oauthError.invalidRequest(EXPIRED);
    case 'authenticated':
      return oauthError.invalidRequest('The sign-in request has already been completed.');
    case 'denied':
      return oauthError.accessDenied(
        'The sign-in request was denied after too many failed attempts.',
      );
    default:
      return oauthError.invalidRequest('Unknown sign-in request.');
  }
}

/**
 * POST /api/agent/authenticate — the agent's back channel. On success the request becomes
 * authenticated and gets exactly one authorization code, which only the bound browser can
 * collect from /api/check-status. The request is looked at before any secret is derived, so
 * a flood against unknown or finished requests costs no PBKDF2 work.
 */
export function agentAuthenticateEndpoint(ctx: ServerContext) {
  return async (c: Context): Promise<Response> => {
    const input = parseParams(authenticateSchema, await inputOf(c).params());
    const requestHash = sha256(input.request_id);
    const request = requestOf(c);
    const source = sourceOfRequest(request);
    const agentId = input.agent_id;
    const result = await ctx.principals.call(
      { kind: 'agent', id: agentId, secret: input.agent_secret, source, request },
      () => ctx.store.signInBegin(requestHash, agentId, source),
      (agent) =>
        ctx.store.completeSignIn(agent, {
          requestHash,
          model: input.model,
          codeHash: sha256(codeForRequest(ctx.codeKey, input.request_id)),
          codeTtl: ctx.config.authCodeTtl,
          maxAttempts: ctx.config.maxFailedAttemptsPerRequest,
        }),
    );
    if (result.outcome.startsWith('principal_')) {
      const outcome = result.outcome as Exclude<PrincipalOutcome, 'principal_retry'>;
      for (const event of authenticationRefused('agent', agentId, outcome, result.retryAfter))
        ctx.security.record(event, request);
    }
    if (result.outcome === 'website_not_allowed' || result.outcome === 'api_not_allowed')
      ctx.security.record(
        authenticationEvent('agent', agentId, 'denied', { reason: result.outcome }),
        request,
      );
    if (result.outcome !== 'ok') throw refusal(result.outcome, result.retryAfter);
    ctx.security.record(authenticationSucceeded('agent', agentId, { model: input.model }), request);
    ctx.security.record(
      { ...authenticationSucceeded('agent', agentId, {}), event: 'authorization_code.issued' },
      request,
    );
    // The first sign-in of this agent here, decided in the same SQL call: its owner is told
    // detached from this request (security/sign-in-notices.ts).
    if ('firstSignIn' in result && result.firstSignIn)
      ctx.signInNotices.firstSignIn(result.firstSignIn, request);
    return c.json(
      {
        status: 'authenticated',
        message: 'Signed in. The browser will now return to the website.',
      },
      200,
      { 'Cache-Control': 'no-store' },
    );
  };
}
