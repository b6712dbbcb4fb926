import type { Context } from 'hono';

/**
 * Pulls the identity a request names (client, agent, sign-in request, email) for the
 * per-identity rate limit, before the endpoint runs. Reads only what the endpoint will read
 * anyway; the body text is kept by Hono, so the endpoint parses the same bytes again.
 * Anything unreadable yields undefined: the endpoint will reject it, and the per-IP limit
 * still applies.
 */
export type IdentityOf = (c: Context) => Promise<string | undefined>;

async function bodyField(c: Context, name: string): Promise<string | undefined> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  try {
    // Hono keeps the text, so the endpoint's own c.req.text() gets the same bytes without a
    // second read (a clone of the Request would make the adapter build a WHATWG stream).
    const text = await c.req.text();
    if (type === 'application/x-www-form-urlencoded')
      return new URLSearchParams(text).get(name) ?? undefined;
    if (type === 'application/json') {
      const value = (JSON.parse(text) as Record<string, unknown>)?.[name];
      return typeof value === 'string' ? value : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function basicClientId(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

export const identityOf = {
  client: (async (c) => basicClientId(c) ?? (await bodyField(c, 'client_id'))) as IdentityOf,
  agent: ((c) => bodyField(c, 'agent_id')) as IdentityOf,
  email: (async (c) => (await bodyField(c, 'email'))?.toLowerCase()) as IdentityOf,
  query:
    (name: string): IdentityOf =>
    async (c) =>
      new URL(c.req.url).searchParams.get(name) ?? undefined,
};
