import type { Context } from 'hono';
import { OAuthError } from '../errors.js';
import { bodyParams } from '../http/params.js';
import { requestOf } from '../http/request-context.js';
import { DPOP_ALGORITHMS, type VerifiedProof } from '../oauth/dpop-proof.js';
import { recordStaleUse } from '../oauth/token-lookup.js';
import type { ServerContext } from '../server-context.js';
import type { AccessTokenClaims } from '../tokens/access-token.js';

/** How the token came: RFC 6750 bearer, or RFC 9449 DPoP with a proof. */
export type TokenScheme = 'bearer' | 'dpop';

export interface PresentedToken {
  scheme: TokenScheme;
  token: string;
}

/**
 * A 401 with the challenges of both schemes the server accepts (RFC 6750 §3, RFC 9449 §7.1);
 * the error names the scheme the client used, and only once a token was sent.
 */
export function unauthorized(
  ctx: ServerContext,
  description: string,
  failed?: { scheme: TokenScheme; error: 'invalid_token' | 'invalid_dpop_proof' },
): OAuthError {
  const realm = `realm="${ctx.config.issuer}"`;
  const error = failed ? `, error="${failed.error}", error_description="${description}"` : '';
  const bearer = `Bearer ${realm}${failed?.scheme === 'bearer' ? error : ''}`;
  const dpop = `DPoP ${realm}, algs="${DPOP_ALGORITHMS.join(' ')}"${failed?.scheme === 'dpop' ? error : ''}`;
  return new OAuthError(failed?.error ?? 'invalid_token', description, 401, {
    'WWW-Authenticate': `${bearer}, ${dpop}`,
  });
}

/** The access token of a request: Authorization header, or RFC 6750 §2.2 form body. */
export async function presentedToken(c: Context): Promise<PresentedToken | undefined> {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const match = /^(Bearer|DPoP) ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim());
    const scheme = match?.[1]?.toLowerCase() === 'dpop' ? 'dpop' : 'bearer';
    return { scheme, token: match?.[2] ?? '' };
  }
  if (
    c.req.method === 'POST' &&
    c.req.header('content-type')?.startsWith('application/x-www-form-urlencoded')
  ) {
    const token = (await bodyParams(c, { allowJson: false })).get('access_token');
    return token === undefined ? undefined : { scheme: 'bearer', token };
  }
  return undefined;
}

/**
 * The claims of a presented access token, with its DPoP binding checked (RFC 9449 §7): a
 * bound token needs the DPoP scheme and a proof for this request made with its key; an
 * unbound one the Bearer scheme. Returns the proof, whose replay the caller's database call
 * detects.
 */
export async function checkedToken(
  c: Context,
  ctx: ServerContext,
  presented: PresentedToken,
  path: string,
): Promise<{ claims: AccessTokenClaims; proof: VerifiedProof | undefined }> {
  const { scheme, token } = presented;
  const checked = token ? await ctx.accessTokens.check(token) : undefined;
  if (checked?.ok === false && checked.reason === 'expired')
    recordStaleUse(ctx, 'token.expired_use', token, requestOf(c));
  const invalid = (description: string) =>
    unauthorized(ctx, description, { scheme, error: 'invalid_token' });
  if (!checked?.ok) throw invalid('The access token is invalid or expired.');
  const jkt = checked.claims.cnf?.jkt;
  if (!jkt) {
    if (scheme === 'dpop')
      throw invalid('This access token is not DPoP-bound: send it with the Bearer scheme.');
    return { claims: checked.claims, proof: undefined };
  }
  if (scheme !== 'dpop')
    throw invalid('This access token is DPoP-bound: send it with the DPoP scheme and a proof.');
  const header = c.req.header('dpop');
  const badProof = (description: string) =>
    unauthorized(ctx, description, { scheme, error: 'invalid_dpop_proof' });
  if (header === undefined) throw badProof('A DPoP proof is required with this access token.');
  let proof: VerifiedProof;
  try {
    proof = await ctx.dpop.verify(header, { method: c.req.method, path, accessToken: token });
  } catch (error) {
    if (error instanceof OAuthError) throw badProof(error.description);
    throw error;
  }
  if (proof.jkt !== jkt) throw invalid('The access token is bound to another DPoP key.');
  return { claims: checked.claims, proof };
}
