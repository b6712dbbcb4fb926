import { type AuthAgent, requestIdFrom } from '@auth-agent/sdk/agent';

/** What the authorization answered, read from the redirect back to the client. */
export interface AuthorizationResponse {
  code: string;
  /** The whole redirect URL (code, state and iss, RFC 9207). */
  redirectTo: string;
}

function bindingCookie(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .filter(Boolean)
    .join('; ');
}

/**
 * The browser's part of an agent sign-in, done over HTTP by the agent itself: open the
 * authorization URL (which binds the request to this "browser" with a cookie), authenticate
 * the request with the agent SDK, then collect the redirect from the server's
 * `agent_status_endpoint` as the sign-in page would. A CLI agent needs neither a browser nor
 * a listener on its redirect URI.
 *
 * The agent signs in only at its own issuer: an authorization URL of another origin is
 * refused before anything is sent (the secret itself only ever goes to the issuer).
 *
 * @param expected - the redirect URI and state the client sent; the answer must match both
 */
export async function signInHeadless(
  agent: AuthAgent,
  authorizationUrl: URL,
  expected: { redirectUri: string; state: string },
  fetchFn: typeof fetch = fetch,
): Promise<AuthorizationResponse> {
  if (authorizationUrl.origin !== new URL(agent.issuer).origin)
    throw new Error(`Refusing to sign in at ${authorizationUrl.origin}, not the agent's issuer.`);
  const page = await fetchFn(authorizationUrl, { redirect: 'manual' });
  if (page.status !== 200)
    throw new Error(
      `The authorization request was refused (${page.status} ${page.headers.get('location') ?? ''}).`,
    );
  const cookie = bindingCookie(page);
  const requestId = requestIdFrom(await page.text());
  await agent.authenticate(requestId);

  const discovery = await fetchFn(`${agent.issuer}/.well-known/oauth-authorization-server`);
  const { agent_status_endpoint } = (await discovery.json()) as { agent_status_endpoint: string };
  const statusUrl = new URL(agent_status_endpoint);
  statusUrl.searchParams.set('request_id', requestId);
  const status = await fetchFn(statusUrl, { headers: { cookie }, redirect: 'manual' });
  const { redirect_to } = (await status.json()) as { redirect_to?: string };
  if (!redirect_to) throw new Error('The server gave no redirect after the agent signed in.');

  const redirect = new URL(redirect_to);
  const back = new URL(expected.redirectUri);
  // RFC 9700 §4.5 and RFC 9207: the answer is for this request, from this issuer.
  if (redirect.origin !== back.origin || redirect.pathname !== back.pathname)
    throw new Error('The redirect does not go to the redirect URI that was sent.');
  if (redirect.searchParams.get('state') !== expected.state) throw new Error('State mismatch.');
  if (redirect.searchParams.get('iss') !== agent.issuer) throw new Error('Issuer mismatch.');
  const code = redirect.searchParams.get('code');
  if (!code)
    throw new Error(`Sign-in refused: ${redirect.searchParams.get('error') ?? 'no code'}.`);
  return { code, redirectTo: redirect_to };
}
