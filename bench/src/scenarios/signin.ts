import { createHash, randomBytes } from 'node:crypto';
import type { Credentials, SeededAccounts } from '../db/seed.js';
import { REDIRECT_URI } from '../db/seed.js';
import { basicAuth, type HttpClient, json } from '../load/http.js';
import { Exhausted } from '../load/run-load.js';

export interface TokenSet {
  access_token: string;
  refresh_token: string;
}

const REQUEST_ID = /name="auth-agent-request-id" content="([^"]+)"/;

function cookieFrom(header: string | string[] | undefined): string | undefined {
  const first = Array.isArray(header) ? header[0] : header;
  return first?.split(';')[0];
}

/**
 * One whole sign-in as a website, its visitor's browser and the agent perform it:
 * /authorize, the agent's authenticate call, the browser's check-status, and the code
 * exchange at /token. `browser` keeps the binding cookie between flows, as a browser would.
 */
export async function signIn(
  http: HttpClient,
  accounts: SeededAccounts,
  agent: Credentials,
  browser: { cookie?: string },
): Promise<TokenSet> {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: accounts.client.id,
    redirect_uri: REDIRECT_URI,
    state: randomBytes(16).toString('base64url'),
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: 'openid profile email',
  });
  const page = await http.expect(
    { path: `/authorize?${query}`, headers: browser.cookie ? { cookie: browser.cookie } : {} },
    200,
  );
  const requestId = REQUEST_ID.exec(page.text)?.[1];
  if (!requestId) throw new Error('/authorize page carried no request id');
  browser.cookie = cookieFrom(page.headers['set-cookie']) ?? browser.cookie;
  await http.expect(
    {
      method: 'POST',
      path: '/api/agent/authenticate',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        request_id: requestId,
        agent_id: agent.id,
        agent_secret: agent.secret,
        model: 'bench-model',
      }),
    },
    200,
  );
  const status = json<{ code?: string }>(
    await http.expect(
      {
        path: `/api/check-status?request_id=${encodeURIComponent(requestId)}`,
        headers: { cookie: browser.cookie ?? '' },
      },
      200,
    ),
  );
  if (!status.code) throw new Error('check-status gave the bound browser no code');
  const tokens = await http.expect(
    {
      method: 'POST',
      path: '/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(accounts.client.id, accounts.client.secret),
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: status.code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      }).toString(),
    },
    200,
  );
  return json<TokenSet>(tokens);
}

/** Warm: virtual client `vu` signs in with the same agent again and again. */
export function warmSignIn(http: HttpClient, accounts: SeededAccounts) {
  const browsers = new Map<number, { cookie?: string }>();
  return async (vu: number) => {
    const agent = accounts.warmAgents[vu % accounts.warmAgents.length];
    if (!agent) throw new Error('no warm agents seeded');
    const browser = browsers.get(vu) ?? {};
    browsers.set(vu, browser);
    await signIn(http, accounts, agent, browser);
  };
}

/** Cold: every flow takes an agent that has never signed in, so its secret is uncached. */
export function coldSignIn(http: HttpClient, accounts: SeededAccounts) {
  let next = 0;
  const iteration = async () => {
    const id = accounts.coldAgents.ids[next++];
    if (id === undefined) throw new Exhausted('out of cold agents');
    await signIn(http, accounts, { id, secret: accounts.coldAgents.secret }, {});
  };
  return { iteration, exhausted: () => next >= accounts.coldAgents.ids.length, used: () => next };
}
