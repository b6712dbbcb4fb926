import { serve } from '@hono/node-server';
import { backend } from '../support/database.js';
import { createHarness, type Harness } from '../support/harness.js';

/**
 * Ports of the interop tests (this area's range is 18100-18199), in pairs: the embedded run
 * takes the even port, the postgres run the odd one, so both projects can run at once.
 */
export const INTEROP_PORTS = {
  server: 18120,
  passportApp: 18130,
} as const;

export interface InteropServer {
  h: Harness;
  /** The issuer, which is also where the server listens. */
  issuer: string;
  close(): Promise<void>;
}

/**
 * The harness app (fresh database on the current backend) served over real HTTP, since
 * third-party clients talk to a URL, not to an in-process app.
 */
export async function startInteropServer(basePort: number): Promise<InteropServer> {
  const port = basePort + (backend === 'postgres' ? 1 : 0);
  const issuer = `http://localhost:${port}`;
  const h = await createHarness({ ISSUER: issuer });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: h.app.fetch, port, hostname: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
  return {
    h,
    issuer,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await h.dispose();
    },
  };
}

/**
 * The browser and the agent, over plain HTTP and without the SDK: open the authorization
 * URL (keeping the server's browser-binding cookie), read the request id from the meta tag,
 * authenticate as the agent, then collect the redirect as the bound browser.
 *
 * @returns the URL the browser is sent back to (the client's redirect URI with code, state, iss)
 */
export async function agentSignsIn(
  authorizationUrl: string | URL,
  agent: { agent_id: string; agent_secret: string },
  model = 'interop-model',
): Promise<string> {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  if (page.status !== 200)
    throw new Error(`/authorize answered ${page.status}: ${await page.text()}`);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const html = await page.text();
  const requestId = /name="auth-agent-request-id" content="([^"]+)"/.exec(html)?.[1];
  if (!requestId) throw new Error('no request id on the sign-in page');
  const issuer = new URL(authorizationUrl).origin;
  const auth = await fetch(`${issuer}/api/agent/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      request_id: requestId,
      agent_id: agent.agent_id,
      agent_secret: agent.agent_secret,
      model,
    }),
  });
  if (auth.status !== 200) throw new Error(`agent authentication answered ${auth.status}`);
  const status = await fetch(`${issuer}/api/check-status?request_id=${requestId}`, {
    headers: { cookie },
  });
  const body = (await status.json()) as { redirect_to?: string };
  if (!body.redirect_to) throw new Error('check-status gave the bound browser no redirect');
  return body.redirect_to;
}
