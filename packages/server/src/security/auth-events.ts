import type { PrincipalKind, PrincipalOutcome } from '../storage/principal-store.js';
import type { SecurityEventInput } from './events.js';

/**
 * One `<kind>.authentication` event: `success`, `failure` (a wrong secret) or `denied` (the
 * right one refused: locked, disabled, not allowed here...), with its reason in `details`.
 */
export function authenticationEvent(
  kind: PrincipalKind,
  id: string,
  outcome: 'success' | 'failure' | 'denied',
  details: SecurityEventInput['details'] = {},
): SecurityEventInput {
  const actor = { type: kind, id: kind === 'user' ? undefined : id } as const;
  return {
    event: `${kind}.authentication`,
    outcome,
    actor,
    target: { type: kind, id },
    ...(kind === 'agent' ? { agentId: id } : kind === 'client' ? { clientId: id } : {}),
    details,
  };
}

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
  const refused = authenticationEvent(kind, id, wrongSecret ? 'failure' : 'denied', { reason });
  // The lock's scope: one source, or the identity for every source but its trusted ones
  // (migrations/functions/03-lockout.sql); an identity lock raises an alert (alerts.ts).
  if (!(wrongSecret && retryAfter > 0)) return [refused];
  return [
    refused,
    {
      ...refused,
      event: 'lockout.locked',
      outcome: 'denied',
      details: {
        seconds: retryAfter,
        scope: outcome === 'principal_under_attack' ? 'identity' : 'source',
      },
    },
  ];
}

/** `<kind>.authentication` succeeded. */
export function authenticationSucceeded(
  kind: 'agent' | 'client' | 'api',
  id: string,
  details: Record<string, string>,
): SecurityEventInput {
  return authenticationEvent(kind, id, 'success', details);
}
