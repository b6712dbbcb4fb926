import { createHash, randomBytes } from 'node:crypto';
import { type AgentFixture, type ClientFixture, type HttpTarget, REDIRECT_URI } from './harness.js';

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

export function basicAuth(client: ClientFixture): string {
  const id = encodeURIComponent(client.client_id);
  const secret = encodeURIComponent(client.client_secret ?? '');
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/** Authorization parameters; a list is sent as the parameter repeated (RFC 8707 `resource`). */
export type AuthorizeParams = Record<string, string | string[] | undefined>;

export function authorizeUrl(params: AuthorizeParams): string {
  const url = new URL('/authorize', 'http://auth.test');
  for (const [name, value] of Object.entries(params))
    for (const one of value === undefined ? [] : [value].flat()) url.searchParams.append(name, one);
  return url.pathname + url.search;
}

export interface StartedAuthorization {
  response: Response;
  html: string;
  requestId: string;
  /** `name=value` of the browser-binding cookie, for later requests from "the browser". */
  cookie: string;
  state: string;
  verifier: string;
}

export async function startAuthorization(
  h: HttpTarget,
  client: ClientFixture,
  overrides: AuthorizeParams = {},
): Promise<StartedAuthorization> {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(16).toString('base64url');
  const response = await h.request(
    authorizeUrl({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...overrides,
    }),
  );
  const html = await response.text();
  const requestId = /name="auth-agent-request-id" content="([^"]+)"/.exec(html)?.[1] ?? '';
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { response, html, requestId, cookie, state, verifier };
}

export function authenticate(h: HttpTarget, body: Record<string, unknown>): Promise<Response> {
  return h.request('/api/agent/authenticate', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export function authenticateAgent(
  h: HttpTarget,
  requestId: string,
  agent: AgentFixture,
  model = 'test-model-1',
): Promise<Response> {
  return authenticate(h, {
    request_id: requestId,
    agent_id: agent.agent_id,
    agent_secret: agent.agent_secret,
    model,
  });
}

export async function checkStatus(
  h: HttpTarget,
  requestId: string,
  cookie?: string,
): Promise<Record<string, string>> {
  const response = await h.request(
    `/api/check-status?request_id=${encodeURIComponent(requestId)}`,
    {
      headers: cookie ? { cookie } : {},
    },
  );
  return (await response.json()) as Record<string, string>;
}

export function tokenRequest(
  h: HttpTarget,
  client: ClientFixture | undefined,
  params: Record<string, string>,
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (client?.client_secret) headers.authorization = basicAuth(client);
  return h.request('/token', {
    method: 'POST',
    headers,
    body: new URLSearchParams(params).toString(),
  });
}

export interface SignedIn {
  code: string;
  verifier: string;
  state: string;
  redirectTo: string;
}

/** Runs the browser + agent half of the flow and returns what the website's callback receives. */
export async function signIn(
  h: HttpTarget,
  client: ClientFixture,
  agent: AgentFixture,
  model = 'test-model-1',
  overrides: AuthorizeParams = {},
): Promise<SignedIn> {
  const started = await startAuthorization(h, client, overrides);
  const auth = await authenticateAgent(h, started.requestId, agent, model);
  if (auth.status !== 200) throw new Error(`agent authentication failed: ${auth.status}`);
  const status = await checkStatus(h, started.requestId, started.cookie);
  const redirect = new URL(status.redirect_to ?? '');
  return {
    code: redirect.searchParams.get('code') ?? '',
    verifier: started.verifier,
    state: started.state,
    redirectTo: redirect.href,
  };
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

export async function obtainTokens(
  h: HttpTarget,
  client: ClientFixture,
  agent: AgentFixture,
): Promise<Tokens> {
  const { code, verifier } = await signIn(h, client, agent);
  const response = await tokenRequest(h, client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    ...(client.client_secret ? {} : { client_id: client.client_id }),
  });
  if (response.status !== 200)
    throw new Error(`token exchange failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Tokens;
}

/** Whether `token` is active, asked at /introspect (RFC 7662 §2) as `client`. */
export async function introspectActive(
  h: HttpTarget,
  client: ClientFixture,
  token: string,
): Promise<boolean> {
  const response = await h.request('/introspect', {
    method: 'POST',
    headers: {
      authorization: basicAuth(client),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }).toString(),
  });
  return ((await response.json()) as { active: boolean }).active;
}
