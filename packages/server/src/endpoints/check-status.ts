import type { Context } from 'hono';
import { constantTimeEqual, sha256 } from '../crypto/digest.js';
import { oauthError } from '../errors.js';
import { readBrowserBinding } from '../http/browser-binding.js';
import { queryParams } from '../http/params.js';
import { codeForRequest } from '../oauth/code-derivation.js';
import { redirectWith } from '../oauth/redirect-uri.js';
import type { ServerContext } from '../server-context.js';
import type { RequestState } from '../storage/oauth-store.js';

function isBoundBrowser(c: Context, ctx: ServerContext, request: RequestState): boolean {
  const binding = readBrowserBinding(c, ctx.config.issuer);
  return binding !== undefined && constantTimeEqual(sha256(binding), request.browserHash);
}

/**
 * GET /api/check-status — polled by the sign-in page. Anyone holding the request id learns
 * its status; only the browser that opened it receives the code and the redirect.
 */
export function checkStatusEndpoint(ctx: ServerContext) {
  return async (c: Context): Promise<Response> => {
    const requestId = queryParams(c).get('request_id');
    if (!requestId || requestId.length > 256)
      throw oauthError.invalidRequest('Parameter "request_id" is required.');
    const request = await ctx.store.requestState(sha256(requestId));
    if (!request) throw oauthError.notFound('Unknown sign-in request.');
    const body: Record<string, string> = {
      status: request.status,
      expires_at: request.expiresAt.toISOString(),
    };
    if (isBoundBrowser(c, ctx, request)) {
      const iss = ctx.config.issuer;
      if (request.status === 'authenticated') {
        const code = codeForRequest(ctx.codeKey, requestId);
        body.redirect_to = redirectWith(request.redirectUri, { code, state: request.state, iss });
        body.code = code;
        body.state = request.state;
        body.redirect_uri = request.redirectUri;
      } else if (request.status === 'denied') {
        body.redirect_to = redirectWith(request.redirectUri, {
          error: 'access_denied',
          error_description: 'The agent could not be authenticated.',
          state: request.state,
          iss,
        });
      }
    }
    return c.json(body, 200, { 'Cache-Control': 'no-store' });
  };
}
