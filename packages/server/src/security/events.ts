/**
 * Every kind of security event, so metrics can show zero counts and the console can offer
 * a filter. Names are `area.what`; the outcome says how it went.
 */
export const SECURITY_EVENTS = [
  'agent.authentication',
  'client.authentication',
  'api.authentication',
  'user.authentication',
  'user.password_reset_requested',
  'user.password_reset',
  'user.second_factor',
  'authorization_code.issued',
  'agent.first_sign_in',
  'token.code_exchange',
  'token.code_reuse',
  'token.refresh',
  'token.refresh_reuse',
  'token.revoked',
  'token.expired_use',
  'token.revoked_use',
  'authorize.invalid_redirect_uri',
  'token.client_credentials',
  'client.registered',
  'client.registration_updated',
  'client.registration_deleted',
  'client.claimed',
  'client.metadata_rejected',
  'rls.violation_attempt',
  'admin.action',
  'owner.action',
  'admin.keys_rotated',
  'admin.tokens_revoked',
  'admin.sessions_revoked',
  'admin.secret_rotated',
  'admin.unlocked',
  'lockout.locked',
  'rate_limit.exceeded',
  'alert.fired',
  'database.unavailable',
  'database.available',
] as const;

export type SecurityEventName = (typeof SECURITY_EVENTS)[number];
export type SecurityOutcome = 'success' | 'failure' | 'denied' | 'info' | 'alert';
export const SECURITY_OUTCOMES: readonly SecurityOutcome[] = [
  'success',
  'failure',
  'denied',
  'info',
  'alert',
];

export type ActorType = 'agent' | 'client' | 'api' | 'user' | 'cli' | 'system' | 'anonymous';

export interface SecurityEventInput {
  event: SecurityEventName;
  outcome: SecurityOutcome;
  actor?: { type: ActorType; id?: string | undefined };
  target?: { type: string; id?: string | undefined };
  /** Public ids the event concerns; their owners see the entry in the console. */
  agentId?: string | undefined;
  clientId?: string | undefined;
  userId?: string | undefined;
  /** Non-secret facts only (reasons, counts); never tokens, codes or secrets. */
  details?: Record<string, string | number | boolean | null>;
}

/** A recorded event as it is logged, stored and alerted on. */
export interface SecurityEvent extends SecurityEventInput {
  occurredAt: Date;
  ip: string | undefined;
  userAgent: string | undefined;
  requestId: string | undefined;
}

/**
 * An event's public fields in snake_case with nulls for what is absent: the row
 * security_log_append_batch stores, and the `trigger` of an alert webhook.
 */
export function eventRecord(event: SecurityEvent) {
  return {
    occurred_at: event.occurredAt.toISOString(),
    event: event.event,
    outcome: event.outcome,
    actor_type: event.actor?.type ?? 'anonymous',
    actor_id: event.actor?.id ?? null,
    target_type: event.target?.type ?? null,
    target_id: event.target?.id ?? null,
    ip: event.ip ?? null,
    user_agent: event.userAgent ?? null,
    request_id: event.requestId ?? null,
    agent_id: event.agentId ?? null,
    client_id: event.clientId ?? null,
    user_id: event.userId ?? null,
    details: event.details ?? {},
  };
}
