import type { Context } from 'hono';
import { inputOf } from './request-input.js';

/**
 * Pulls the identity a request names (client, agent, sign-in request, email) for the
 * per-identity rate limit, before the endpoint runs, from the parameters the route's
 * RequestInput parsed once (http/request-input.ts). Anything unreadable yields undefined:
 * the endpoint will reject it, and the per-IP limit still applies.
 */
export type IdentityOf = (c: Context) => Promise<string | undefined>;

async function param(c: Context, name: string): Promise<string | undefined> {
  try {
    return (await inputOf(c).params()).get(name);
  } catch {
    return undefined;
  }
}

export const identityOf = {
  client: (async (c) => {
    try {
      return (await inputOf(c).client()).clientId;
    } catch {
      return undefined;
    }
  }) as IdentityOf,
  agent: ((c) => param(c, 'agent_id')) as IdentityOf,
  param:
    (name: string): IdentityOf =>
    (c) =>
      param(c, name),
  pathParam:
    (name: string): IdentityOf =>
    async (c) =>
      c.req.param(name),
  /** One budget shared by every caller (e.g. all registrations together). */
  everyone: (async () => 'everyone') as IdentityOf,
};
