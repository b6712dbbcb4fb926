import type { PrincipalKind, PrincipalOutcome } from '../storage/principal-store.js';
import type { SecurityEventInput } from './events.js';

/**
 * The security events of a refused authentication: `<kind>.authentication` (failure, or
 * denied while locked) and, when this failure locked the subject, `lockout.locked`.
 * `retryAfter` is the lock's length when the outcome is principal_invalid and the failure
 * locked the subject, or the time left when it is principal_locked.
 */
export function authenticationRefused(
  kind: PrincipalKind,
  id: string,
  outcome: Exclude<PrincipalOutcome, 'principal_retry'>,
  retryAfter: number,
): SecurityEventInput[] {
  const ids = kind === 'agent' ? { agentId: id } : kind === 'client' ? { clientId: id } : {};
  const actor = { type: kind, id: kind === 'user' ? undefined : id } as const;
  const target = { type: kind, id };
  const reason =
    outcome === 'principal_locked'
      ? 'locked'
      : outcome === 'principal_disabled'
        ? 'disabled'
        : outcome === 'principal_busy'
          ? 'busy'
          : outcome === 'principal_replayed'
            ? 'assertion_replayed'
            : 'invalid_secret';
  const wrongSecret = outcome === 'principal_invalid' || outcome === 'principal_under_attack';
  const events: SecurityEventInput[] = [
    {
      event: `${kind}.authentication`,
      outcome: wrongSecret ? 'failure' : 'denied',
      actor,
      target,
      ...ids,
      details: { reason },
    },
  ];
  // The lock's scope: one source, or the identity for every source but its trusted ones
  // (migrations/functions/03-lockout.sql); an identity lock raises an alert (alerts.ts).
  if (wrongSecret && retryAfter > 0)
    events.push({
      event: 'lockout.locked',
      outcome: 'denied',
      actor,
      target,
      ...ids,
      details: {
        seconds: retryAfter,
        scope: outcome === 'principal_under_attack' ? 'identity' : 'source',
      },
    });
  return events;
}

/** `<kind>.authentication` succeeded. */
export function authenticationSucceeded(
  kind: 'agent' | 'client' | 'api',
  id: string,
  details: Record<string, string>,
): SecurityEventInput {
  const actor = { type: kind, id } as const;
  return {
    event: `${kind}.authentication`,
    outcome: 'success',
    actor,
    target: actor,
    ...(kind === 'agent' ? { agentId: id } : kind === 'client' ? { clientId: id } : {}),
    details,
  };
}
