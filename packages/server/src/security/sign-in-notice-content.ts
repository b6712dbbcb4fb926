import { createHmac } from 'node:crypto';
import type { FirstSignIn } from '../storage/oauth-records.js';
import type { SecurityEventInput } from './events.js';

/** What an owner is told of a first sign-in: names, time and address, never a secret. */
export interface NoticeFacts {
  /** One id per notice, the same in every retry, for receivers to drop duplicates. */
  id: string;
  issuer: string;
  first: FirstSignIn;
  /** The address the agent signed in from, as the server saw it. */
  ip: string | undefined;
}

/** The webhook's JSON body (docs/console.md, "First sign-in notifications"). */
export function noticePayload({ id, issuer, first, ip }: NoticeFacts) {
  return {
    id,
    event: 'agent.first_sign_in',
    issuer,
    occurred_at: first.at.toISOString(),
    agent: { id: first.agentId, name: first.agentName },
    website: { client_id: first.clientId, name: first.clientName },
    resources: first.resources,
    source_ip: ip ?? null,
  };
}

/** Names come from owners of websites too: no line break may reach a mail header. */
const oneLine = (text: string) => text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').slice(0, 120);

export function noticeMail({ first, ip, issuer }: NoticeFacts, to: string) {
  const agent = first.agentName ?? first.agentId;
  const apis = first.resources.length ? `\nAPIs: ${first.resources.join(', ')}` : '';
  return {
    to,
    subject: oneLine(`Your agent ${agent} signed in to ${first.clientName} for the first time`),
    text: `Your agent ${agent} (${first.agentId}) signed in to ${first.clientName} (client_id ${first.clientId}) for the first time.\n\nWhen: ${first.at.toISOString()}\nFrom: ${ip ?? 'unknown address'}${apis}\n\nIf you did not expect this, disable the agent or rotate its secret in the console: ${new URL('/console/agents', issuer).href}\n\nYou get this mail because you asked to be told of this agent's first sign-ins.`,
  };
}

/**
 * The headers that let a receiver check a webhook body came from this server:
 * X-Auth-Agent-Signature is `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` under
 * the agent's webhook secret (shown once to its owner), like the schemes receivers know.
 */
export function signatureHeaders(
  secret: string,
  body: string,
  id: string,
  now = new Date(),
): Record<string, string> {
  const t = Math.floor(now.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return {
    'x-auth-agent-event': 'agent.first_sign_in',
    'x-auth-agent-delivery': id,
    'x-auth-agent-signature': `t=${t},v1=${v1}`,
  };
}

/** The security-log entry the agent's owner sees (never the website's owner). */
export function firstSignInEvent(first: FirstSignIn, notified: string[]): SecurityEventInput {
  return {
    event: 'agent.first_sign_in',
    outcome: 'info',
    actor: { type: 'agent', id: first.agentId },
    target: { type: 'client', id: first.clientId },
    agentId: first.agentId,
    details: {
      client_id: first.clientId,
      website: first.clientName,
      resources: first.resources.join(' ') || null,
      notified: notified.join(',') || null,
    },
  };
}
