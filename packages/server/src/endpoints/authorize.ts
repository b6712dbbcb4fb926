import type { Context } from 'hono';
import { isClientIdUrl } from '../clients/metadata/client-id-url.js';
import { ClientMetadataError } from '../clients/metadata/metadata-documents.js';
import { sha256 } from '../crypto/digest.js';
import { randomToken } from '../crypto/random.js';
import { OAuthError, oauthError } from '../errors.js';
import { browserBindingFor, setBrowserBinding } from '../http/browser-binding.js';
import { cspNonce, pageCsp } from '../http/nonce.js';
import { type Params, queryParams } from '../http/params.js';
import { requestOf } from '../http/request-context.js';
import { redirectWith } from '../oauth/redirect-uri.js';
import { resourceScopesOf } from '../oauth/scopes.js';
import type { RequestOrigin } from '../request-info.js';
import type { ServerContext } from '../server-context.js';
import type { ClientCheck } from '../storage/oauth-store.js';
import { errorPageResponse } from '../views/authorize-error-page.js';
import { signInPage } from '../views/signin-page.js';
import { type AuthorizeRequest, validateRequest } from './authorize-request.js';

/** Errors shown on our own page: nothing is sent to a redirect URI not yet verified. */
function renderError(c: Context, error: string, description: string): Response {
  return errorPageResponse(c, { error, description });
}

function untrusted(
  c: Context,
  ctx: ServerContext,
  check: Exclude<ClientCheck, 'ok'>,
  clientId: string,
) {
  if (check === 'unknown_client')
    return renderError(c, 'invalid_client', 'The website (client_id) is not registered.');
  ctx.security.record(
    {
      event: 'authorize.invalid_redirect_uri',
      outcome: 'denied',
      target: { type: 'client', id: clientId },
      clientId,
    },
    requestOf(c),
  );
  return renderError(c, 'invalid_request', 'The redirect_uri is not registered for this website.');
}

/** RFC 6749 §4.1.2.1 with RFC 9207 §2: an error sent to a redirect URI already verified. */
function redirectError(
  c: Context,
  ctx: ServerContext,
  params: Params,
  redirectUri: string,
  error: OAuthError,
): Response {
  const state = params.get('state');
  const location = redirectWith(redirectUri, {
    error: error.error,
    error_description: error.description,
    ...(state !== undefined && state.length <= 1024 ? { state } : {}),
    iss: ctx.config.issuer,
  });
  return c.redirect(location, 302);
}

/** Errors go to the redirect URI only once the client and that exact URI are verified. */
async function reportError(
  c: Context,
  ctx: ServerContext,
  params: Params,
  target: { clientId: string; redirectUri: string },
  error: OAuthError,
): Promise<Response> {
  const check = await ctx.store.redirectTrusted(target.clientId, target.redirectUri);
  if (check !== 'ok') return untrusted(c, ctx, check, target.clientId);
  return redirectError(c, ctx, params, target.redirectUri, error);
}

/** RFC 8707 §2 and RFC 6749 §4.1.2.1: what the database refused about the named APIs. */
const RESOURCE_REFUSALS = {
  invalid_target: () => oauthError.invalidTarget('The resource is not a registered API.'),
  invalid_scope: () =>
    oauthError.invalidScope('A requested scope is not defined by the API named as resource.'),
};

async function signIn(
  c: Context,
  ctx: ServerContext,
  params: Params,
  target: { clientId: string; redirectUri: string },
  request: AuthorizeRequest,
): Promise<Response> {
  const requestId = randomToken(32);
  const browser = browserBindingFor(c, ctx.config.issuer);
  const created = await ctx.store.createRequest({
    ...target,
    requestHash: sha256(requestId),
    state: request.state,
    codeChallenge: request.code_challenge,
    scope: request.scope,
    browserHash: sha256(browser),
    ttlSeconds: ctx.config.authRequestTtl,
    nonce: request.nonce,
    resources: request.resources,
    resourceScopes: resourceScopesOf(request.scope),
  });
  if (created.outcome === 'invalid_target' || created.outcome === 'invalid_scope')
    return redirectError(c, ctx, params, target.redirectUri, RESOURCE_REFUSALS[created.outcome]());
  if (created.outcome !== 'ok') return untrusted(c, ctx, created.outcome, target.clientId);
  setBrowserBinding(c, ctx.config.issuer, browser);
  const nonce = cspNonce();
  c.header('Content-Security-Policy', pageCsp(nonce));
  c.header('Cache-Control', 'no-store');
  return c.html(
    signInPage({
      nonce,
      requestId,
      clientName: created.clientName,
      clientId: target.clientId,
      registration: created.registration,
      scope: request.scope,
      expiresAt: created.expiresAt,
      issuer: ctx.config.issuer,
    }),
  );
}

/**
 * A client_id that is a URL: its metadata document is fetched (or taken from the cache) and
 * the client stored before anything else, so the checks below see it like any other. If
 * that fails the request is aborted on our own page (CIMD draft §"Metadata Discovery
 * Errors"): nothing is known that could make a redirect URI trustworthy.
 */
async function documentProblem(ctx: ServerContext, clientId: string, request: RequestOrigin) {
  try {
    await ctx.clientDocuments.resolve(clientId, request);
    return undefined;
  } catch (error) {
    if (error instanceof ClientMetadataError) return error.message;
    throw error;
  }
}

/**
 * GET /authorize — RFC 6749 §4.1.1 with PKCE (RFC 7636) as OAuth 2.1 requires, and the
 * OpenID Connect parameters of Core §3.1.2.1 (authorize-request.ts). A valid
 * request is stored in the same database call that checks its client and exact redirect URI;
 * an invalid one costs one call to learn whether its redirect URI may receive the error.
 */
export function authorizeEndpoint(ctx: ServerContext) {
  return async (c: Context): Promise<Response> => {
    let params: Params;
    try {
      params = queryParams(c);
    } catch (error) {
      if (error instanceof OAuthError) return renderError(c, error.error, error.description);
      throw error;
    }
    const clientId = params.get('client_id');
    const redirectUri = params.get('redirect_uri');
    if (!clientId) return renderError(c, 'invalid_request', 'The client_id parameter is missing.');
    const isUrl = isClientIdUrl(clientId);
    if (clientId.length > (isUrl ? 512 : 128)) return untrusted(c, ctx, 'unknown_client', clientId);
    if (!redirectUri)
      return renderError(c, 'invalid_request', 'The redirect_uri parameter is missing.');
    const problem = isUrl ? await documentProblem(ctx, clientId, requestOf(c)) : undefined;
    if (problem) return renderError(c, 'invalid_client', problem);
    const target = { clientId, redirectUri };
    let request: AuthorizeRequest;
    try {
      request = validateRequest(params);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      return reportError(c, ctx, params, target, error);
    }
    return signIn(c, ctx, params, target, request);
  };
}
