import type { Context } from 'hono';
import { OAuthError } from '../errors.js';
import { bodyParams } from '../http/params.js';
import { hasScope } from '../oauth/scopes.js';
import { recordStaleUse } from '../oauth/token-lookup.js';
import type { ServerContext } from '../server-context.js';

/** RFC 6750 §3: 401 with a Bearer challenge; an error code only when a token was sent. */
function unauthorized(ctx: ServerContext, description: string, tokenSent: boolean): OAuthError {
  const realm = `realm="${ctx.config.issuer}"`;
  const challenge = tokenSent
    ? `Bearer ${realm}, error="invalid_token", error_description="${description}"`
    : `Bearer ${realm}`;
  return new OAuthError('invalid_token', description, 401, { 'WWW-Authenticate': challenge });
}

async function presentedToken(c: Context): Promise<string | undefined> {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim());
    return match?.[1] ?? '';
  }
  // RFC 6750 §2.2: a form-encoded body parameter is allowed on POST.
  if (
    c.req.method === 'POST' &&
    c.req.header('content-type')?.startsWith('application/x-www-form-urlencoded')
  ) {
    return (await bodyParams(c, { allowJson: false })).get('access_token');
  }
  return undefined;
}

/** GET/POST /userinfo — the agent and the user it acts for, filtered by scope. */
export function userinfoEndpoint(ctx: ServerContext) {
  return async (c: Context): Promise<Response> => {
    const token = await presentedToken(c);
    if (token === undefined) throw unauthorized(ctx, 'An access token is required.', false);
    const checked = token ? await ctx.accessTokens.check(token) : undefined;
    if (checked?.ok === false && checked.reason === 'expired')
      recordStaleUse(ctx, 'token.expired_use', token ?? '');
    if (!checked?.ok) throw unauthorized(ctx, 'The access token is invalid or expired.', true);
    const { claims } = checked;
    const state = await ctx.store.accessTokenState(claims.jti, claims.gid);
    if (state && !state.active) recordStaleUse(ctx, 'token.revoked_use', token ?? '', state);
    if (!state?.active) throw unauthorized(ctx, 'The access token has been revoked.', true);
    // A client's own token (client_credentials) speaks for no agent and no person.
    if (state.agentId === null)
      throw new OAuthError('insufficient_scope', 'The access token identifies no agent.', 403, {
        'WWW-Authenticate': `Bearer realm="${ctx.config.issuer}", error="insufficient_scope"`,
      });
    const body: Record<string, unknown> = { sub: claims.sub, model: claims.model };
    if (hasScope(claims.scope, 'email')) {
      body.email = state.userEmail;
      body.email_verified = state.emailVerified;
    }
    if (hasScope(claims.scope, 'profile') && state.userName) body.name = state.userName;
    return c.json(body, 200, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  };
}
