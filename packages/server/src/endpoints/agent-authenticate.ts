import type { Context } from 'hono';
import { z } from 'zod';
import { sha256 } from '../crypto/digest.js';
import { OAuthError, oauthError } from '../errors.js';
import { bodyParams } from '../http/params.js';
import { parseParams } from '../http/validate.js';
import { codeForRequest } from '../oauth/authorization-code.js';
import type { SecurityEventInput } from '../security/events.js';
import { Lockout } from '../security/lockout.js';
import type { ServerContext } from '../server-context.js';
import type { CompleteOutcome, RequestStatus } from '../storage/oauth-store.js';

const PRINTABLE = /^[^\p{Cc}]+$/u;

const authenticateSchema = z.object({
  request_id: z.string().min(1).max(256),
  agent_id: z.string().min(1).max(128),
  agent_secret: z.string().min(1).max(512),
  model: z.string().min(1).max(200).regex(PRINTABLE),
});

type AuthenticateInput = z.output<typeof authenticateSchema>;

/** Refuses a request that is not waiting for an agent; before any PBKDF2 work is spent. */
function requirePending(status: RequestStatus | undefined): void {
  if (!status) throw oauthError.invalidRequest('Unknown sign-in request.');
  if (status === 'expired')
    throw oauthError.invalidRequest(
      'The sign-in request has expired; start again from the website.',
    );
  if (status === 'authenticated')
    throw oauthError.invalidRequest('The sign-in request has already been completed.');
  if (status === 'denied')
    throw oauthError.accessDenied('The sign-in request was denied after too many failed attempts.');
}

/**
 * Unknown agents and wrong secrets take the same PBKDF2 time and get the same answer; a
 * locked agent id (known or not) is refused before any secret check (security/lockout.ts).
 * The request's status, the agent row and its lockout state come back in one round trip.
 */
async function verifyAgent(ctx: ServerContext, input: AuthenticateInput, requestHash: string) {
  const found = await ctx.store.agentForRequest(
    input.agent_id,
    Lockout.key('agent', input.agent_id),
    requestHash,
  );
  requirePending(found.requestStatus);
  const agent = found.row;
  const checked = await ctx.security.checkSecret(
    'agent',
    input.agent_id,
    () =>
      agent
        ? ctx.verifier.verify(
            'agent',
            {
              id: agent.id,
              publicId: agent.agentId,
              secretVersion: agent.secretVersion,
              secretHash: agent.secretHash,
            },
            input.agent_secret,
          )
        : ctx.verifier.decoy(input.agent_secret),
    found.lock,
  );
  if (checked.outcome === 'locked') throw lockedOut(checked.retryAfter);
  return checked.outcome === 'ok' ? agent : undefined;
}

/**
 * The sign-in in one round trip for an agent whose secret this process verified before:
 * the database re-checks its secret_version, `disabled` and lockout in the same call
 * (006_single_round_trip.sql). Undefined: take the full path.
 */
async function completeRemembered(
  ctx: ServerContext,
  input: AuthenticateInput,
  requestHash: string,
): Promise<CompleteOutcome | undefined> {
  const secretVersion = ctx.verifier.rememberedVersion('agent', input.agent_id, input.agent_secret);
  if (secretVersion === undefined) return undefined;
  const outcome = await ctx.store.completeRequestAs(
    { publicId: input.agent_id, lockoutKey: Lockout.key('agent', input.agent_id), secretVersion },
    requestHash,
    input.model,
    sha256(codeForRequest(ctx.codeKey, input.request_id)),
    ctx.config.authCodeTtl,
  );
  if (outcome !== 'principal_changed') return outcome;
  ctx.verifier.forget('agent', input.agent_id, input.agent_secret);
  return undefined;
}

function lockedOut(retryAfter: number): OAuthError {
  return new OAuthError(
    'access_denied',
    'Too many failed sign-in attempts for this agent; it is temporarily locked. Its owner can unlock it.',
    403,
    { 'Retry-After': String(retryAfter) },
  );
}

function agentEvent(
  agentId: string,
  outcome: 'success' | 'denied',
  details?: Record<string, string>,
): SecurityEventInput {
  const agent = { type: 'agent', id: agentId } as const;
  return { event: 'agent.authentication', outcome, actor: agent, target: agent, agentId, details };
}

/** The full path: the request must be pending, then the secret is checked (PBKDF2). */
async function completeInFull(
  ctx: ServerContext,
  input: AuthenticateInput,
  requestHash: string,
): Promise<CompleteOutcome> {
  const agent = await verifyAgent(ctx, input, requestHash);
  if (!agent) {
    await ctx.store.recordFailedAttempt(requestHash, ctx.config.maxFailedAttemptsPerRequest);
    throw oauthError.accessDenied('Invalid agent credentials.', 401);
  }
  if (agent.disabled) {
    ctx.security.record(agentEvent(agent.agentId, 'denied', { reason: 'disabled' }));
    throw oauthError.accessDenied('This agent is disabled.');
  }
  return ctx.store.completeRequest(
    requestHash,
    agent.id,
    input.model,
    sha256(codeForRequest(ctx.codeKey, input.request_id)),
    ctx.config.authCodeTtl,
  );
}

/**
 * POST /api/agent/authenticate — the agent's back channel. On success the request becomes
 * authenticated and gets exactly one authorization code, which only the bound browser can
 * collect from /api/check-status.
 */
export function agentAuthenticateEndpoint(ctx: ServerContext) {
  return async (c: Context): Promise<Response> => {
    const input = parseParams(
      authenticateSchema,
      await bodyParams(c, { allowJson: true, preferJson: true }),
    );
    const requestHash = sha256(input.request_id);
    const outcome =
      (await completeRemembered(ctx, input, requestHash)) ??
      (await completeInFull(ctx, input, requestHash));
    switch (outcome) {
      case 'ok':
        ctx.security.record(agentEvent(input.agent_id, 'success', { model: input.model }));
        ctx.security.record({
          ...agentEvent(input.agent_id, 'success'),
          event: 'authorization_code.issued',
        });
        return c.json(
          {
            status: 'authenticated',
            message: 'Signed in. The browser will now return to the website.',
          },
          200,
          {
            'Cache-Control': 'no-store',
          },
        );
      case 'expired':
        throw oauthError.invalidRequest(
          'The sign-in request has expired; start again from the website.',
        );
      case 'authenticated':
        throw oauthError.invalidRequest('The sign-in request has already been completed.');
      case 'denied':
        throw oauthError.accessDenied(
          'The sign-in request was denied after too many failed attempts.',
        );
      default:
        throw oauthError.invalidRequest('Unknown sign-in request.');
    }
  };
}
