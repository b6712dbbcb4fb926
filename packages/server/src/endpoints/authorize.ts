import type { Context } from 'hono';
import { sha256 } from '../crypto/digest.js';
import { randomToken } from '../crypto/random.js';
import { OAuthError } from '../errors.js';
import { browserBindingFor, setBrowserBinding } from '../http/browser-binding.js';
import { cspNonce, pageCsp } from '../http/nonce.js';
import { queryParams } from '../http/params.js';
import { redirectWith } from '../oauth/authorization-code.js';
import {
  type AuthorizeRequest,
  validateRequest,
  validRequestOrUndefined,
} from '../oauth/authorize-request.js';
import type { ServerContext } from '../server-context.js';
import type { ClientRecord, NewRequest } from '../storage/oauth-store.js';
import { errorPage } from '../views/error-page.js';
import { signInPage } from '../views/signin-page.js';

/** Errors before the redirect URI is trusted: rendered here, never redirected. */
class UntrustedRedirectError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

async function verifyClientAndRedirect(ctx: ServerContext, params: Map<string, string>) {
  const clientId = params.get('client_id');
  if (!clientId)
    throw new UntrustedRedirectError('invalid_request', 'The client_id parameter is missing.');
  const client = clientId.length <= 128 ? await ctx.store.findClient(clientId) : undefined;
  if (!client || client.disabled)
    throw new UntrustedRedirectError(
      'invalid_client',
      'The website (client_id) is not registered.',
    );
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri)
    throw new UntrustedRedirectError('invalid_request', 'The redirect_uri parameter is missing.');
  // OAuth 2.1 §2.3.1 / RFC 9700 §4.1.3: exact string comparison, no pattern matching.
  if (!client.redirectUris.includes(redirectUri)) {
    ctx.security.record({
      event: 'authorize.invalid_redirect_uri',
      outcome: 'denied',
      target: { type: 'client', id: client.clientId },
      clientId: client.clientId,
    });
    throw new UntrustedRedirectError(
      'invalid_request',
      'The redirect_uri is not registered for this website.',
    );
  }
  return { client, redirectUri };
}

function renderError(c: Context, status: 400, error: string, description: string): Response {
  const nonce = cspNonce();
  c.header('Content-Security-Policy', pageCsp(nonce));
  c.header('Cache-Control', 'no-store');
  return c.html(errorPage({ nonce, error, description }), status);
}

interface SignInRequest {
  requestId: string;
  browser: string;
}

function renderSignIn(
  c: Context,
  ctx: ServerContext,
  created: SignInRequest & { clientName: string; clientId: string; expiresAt: Date },
  scope: string,
): Response {
  setBrowserBinding(c, ctx.config.issuer, created.browser);
  const nonce = cspNonce();
  c.header('Content-Security-Policy', pageCsp(nonce));
  c.header('Cache-Control', 'no-store');
  return c.html(
    signInPage({
      nonce,
      requestId: created.requestId,
      clientName: created.clientName,
      clientId: created.clientId,
      scope,
      expiresAt: created.expiresAt,
      issuer: ctx.config.issuer,
    }),
  );
}

/** What is stored of a sign-in request: hashes of its id and of the browser binding. */
function requestRow(
  ctx: ServerContext,
  sign: SignInRequest,
  redirectUri: string,
  request: AuthorizeRequest,
): Omit<NewRequest, 'clientRef'> {
  return {
    requestHash: sha256(sign.requestId),
    redirectUri,
    state: request.state,
    codeChallenge: request.code_challenge,
    scope: request.scope,
    browserHash: sha256(sign.browser),
    ttlSeconds: ctx.config.authRequestTtl,
  };
}

/**
 * The usual case in one round trip: a well-formed request from an enabled client with a
 * registered redirect URI is stored together with the client check. Anything else returns
 * undefined, nothing is stored, and the checking path below names the problem.
 */
async function createInOneCall(
  c: Context,
  ctx: ServerContext,
  params: Map<string, string>,
  sign: SignInRequest,
): Promise<Response | undefined> {
  const clientId = params.get('client_id');
  const redirectUri = params.get('redirect_uri');
  const request = validRequestOrUndefined(params);
  if (!request || !clientId || clientId.length > 128 || !redirectUri) return undefined;
  const created = await ctx.store.createRequestFor(
    clientId,
    requestRow(ctx, sign, redirectUri, request),
  );
  return created && renderSignIn(c, ctx, { ...sign, ...created }, request.scope);
}

/** GET /authorize — RFC 6749 §4.1.1 with PKCE (RFC 7636) as OAuth 2.1 requires. */
export function authorizeEndpoint(ctx: ServerContext) {
  return async (c: Context): Promise<Response> => {
    let params: Map<string, string>;
    let verified: { client: ClientRecord; redirectUri: string };
    const sign: SignInRequest = {
      requestId: randomToken(32),
      browser: browserBindingFor(c, ctx.config.issuer),
    };
    try {
      params = queryParams(c);
      const page = await createInOneCall(c, ctx, params, sign);
      if (page) return page;
      verified = await verifyClientAndRedirect(ctx, params);
    } catch (error) {
      if (error instanceof UntrustedRedirectError)
        return renderError(c, 400, error.error, error.description);
      if (error instanceof OAuthError) return renderError(c, 400, error.error, error.description);
      throw error;
    }
    const { client, redirectUri } = verified;
    const state = params.get('state');
    let request: AuthorizeRequest;
    try {
      request = validateRequest(params);
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      // RFC 6749 §4.1.2.1 with RFC 9207 §2: report to the verified redirect URI, with iss.
      const location = redirectWith(redirectUri, {
        error: error.error,
        error_description: error.description,
        ...(state !== undefined && state.length <= 1024 ? { state } : {}),
        iss: ctx.config.issuer,
      });
      return c.redirect(location, 302);
    }
    // Reached only if the client changed between the two calls above (or the first found
    // nothing for a reason the check above did not): store the request the long way.
    const expiresAt = await ctx.store.createRequest({
      ...requestRow(ctx, sign, redirectUri, request),
      clientRef: client.id,
    });
    return renderSignIn(
      c,
      ctx,
      { ...sign, clientName: client.name, clientId: client.clientId, expiresAt },
      request.scope,
    );
  };
}
