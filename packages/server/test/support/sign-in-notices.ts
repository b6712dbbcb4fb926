import type { LookupAddress } from 'node:dns';
import { confirmEmail } from '../../src/console/mail/verification.js';
import { type ConsoleUser, mailedLink, privileged, signUp } from './console.js';
import { startAuthorization } from './flow.js';
import type { AgentFixture, ClientFixture, Harness } from './harness.js';

/** A DNS stub for outbound requests: each host's addresses; unknown hosts do not resolve. */
export function stubDns(table: Record<string, string[]>) {
  return async (host: string): Promise<LookupAddress[]> => {
    const addresses = table[host];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

export interface NoticeOwner {
  user: ConsoleUser;
  agent: AgentFixture;
  /** The agent's row id, as the console's URLs name it. */
  ref: string;
}

/** An owner signed up in the console (email verified unless told), with an agent. */
export async function ownerWithAgent(h: Harness, verified = true): Promise<NoticeOwner> {
  const user = await signUp(h);
  if (verified && !(await confirmEmail(h.ctx.db, mailedLink(h, user.email))))
    throw new Error('email not verified');
  const agent = await h.createAgent(user.email);
  const [row] = await privileged<{ id: string }>(h, 'SELECT id FROM agents WHERE agent_id = $1', [
    agent.agent_id,
  ]);
  return { user, agent, ref: row?.id ?? '' };
}

/** Posts the notifications form of the agent's page, as the owner's browser would. */
export async function saveNotices(
  owner: Pick<NoticeOwner, 'user' | 'ref'>,
  fields: Record<string, string>,
): Promise<Response> {
  await owner.user.browser.get('/console/agents');
  return owner.user.browser.post(`/console/agents/${owner.ref}/notifications`, fields);
}

/** An agent signs in at a website from `ip` (the server trusts X-Forwarded-For in tests). */
export async function signInFrom(
  h: Harness,
  client: ClientFixture,
  agent: AgentFixture,
  ip = '203.0.113.7',
  params: Record<string, string> = {},
) {
  const started = await startAuthorization(h, client, params);
  const response = await h.request('/api/agent/authenticate', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({
      request_id: started.requestId,
      agent_id: agent.agent_id,
      agent_secret: agent.agent_secret,
      model: 'test-model',
    }),
  });
  return { started, response };
}

/** The first-sign-in mails the development outbox wrote to `to`. */
export function noticeMails(h: Harness, to: string): Array<{ subject: string; body: string }> {
  return h.logs
    .filter((l) => l.includes('"mail.outbox"'))
    .map((l) => JSON.parse(l) as { to: string; subject: string; body: string })
    .filter((m) => m.to === to && m.subject.includes('for the first time'));
}

/** The agent_first_sign_ins rows of one agent and website. */
export async function firstSignInRows(h: Harness, agentId: string, clientId: string) {
  return privileged<{ resource: string }>(
    h,
    `SELECT f.resource FROM agent_first_sign_ins f JOIN agents a ON a.id = f.agent_ref
     JOIN clients c ON c.id = f.client_ref WHERE a.agent_id = $1 AND c.client_id = $2
     ORDER BY 1`,
    [agentId, clientId],
  );
}
