import type {
  FirstSignIn,
  GrantResult,
  IntrospectedToken,
  Outcome,
  PresentedProof,
} from './oauth-records.js';
import type { OutcomeColumns } from './principal-store.js';

/** The rows of the OAuth functions (migrations/functions/), turned into oauth-records.ts shapes. */

export interface GrantColumns extends OutcomeColumns {
  grant_id: string | null;
  agent_id: string | null;
  scope: string | null;
  model: string | null;
  nonce?: string | null;
  auth_time: Date | null;
  user_email: string | null;
  user_name: string | null;
  email_verified: boolean | null;
  audience: string[] | null;
}

/** The agent fields are null for a client's own token (client_credentials). */
export interface AccessStateColumns {
  active: boolean;
  client_id: string;
  agent_id: string | null;
  user_email: string | null;
  user_name: string | null;
  email_verified: boolean | null;
  dpop_fresh: boolean;
}

/** The three proof parameters of a grant or userinfo call, all NULL without a proof. */
export function proofParams(proof: PresentedProof | undefined): unknown[] {
  return proof ? [proof.jkt, proof.replayKey, proof.replayUntil] : [null, null, null];
}

export function grantFrom<Refusal extends string>(
  row: GrantColumns | undefined,
): GrantResult<Refusal> {
  if (!row) throw new Error('grant function returned no row');
  const retryAfter = row.retry_after ?? 0;
  if (row.outcome !== 'ok') return { outcome: row.outcome as Refusal, retryAfter };
  return {
    outcome: 'ok',
    retryAfter,
    grantId: row.grant_id ?? '',
    agentId: row.agent_id ?? '',
    scope: row.scope ?? '',
    model: row.model ?? '',
    authTime: new Date(row.auth_time ?? Date.now()),
    nonce: row.nonce ?? null,
    user: {
      email: row.user_email ?? '',
      name: row.user_name,
      emailVerified: row.email_verified === true,
    },
    audience: row.audience ?? [],
  };
}

export interface IntrospectionColumns extends OutcomeColumns {
  token_type: IntrospectedToken['tokenType'] | null;
  active: boolean | null;
  agent_id: string | null;
  scope: string | null;
  model: string | null;
  issued_at: Date | null;
  expires_at: Date | null;
}

export function introspectionFrom(
  row: IntrospectionColumns | undefined,
): Outcome<'ok'> & { token: IntrospectedToken | undefined } {
  if (!row) throw new Error('oauth_introspect returned no row');
  const base = {
    outcome: row.outcome as Outcome<'ok'>['outcome'],
    retryAfter: row.retry_after ?? 0,
  };
  if (!row.token_type) return { ...base, token: undefined };
  const common = { active: row.active === true, agentId: row.agent_id ?? '' };
  return {
    ...base,
    token:
      row.token_type === 'access_token'
        ? { tokenType: 'access_token', ...common }
        : {
            tokenType: 'refresh_token',
            ...common,
            scope: row.scope ?? '',
            model: row.model ?? '',
            issuedAt: row.issued_at as Date,
            expiresAt: row.expires_at as Date,
          },
  };
}

/** sign_in_first_seen's answer (migrations/functions/16-sign-in-notifications.sql). */
export function firstSignInFrom(json: Record<string, unknown> | null): FirstSignIn | undefined {
  if (!json) return undefined;
  const text = (key: string) => (typeof json[key] === 'string' ? (json[key] as string) : null);
  return {
    agentRef: text('agent_ref') ?? '',
    agentId: text('agent_id') ?? '',
    agentName: text('agent_name'),
    clientId: text('client_id') ?? '',
    clientName: text('client_name') ?? '',
    resources: Array.isArray(json.resources) ? json.resources.map(String) : [],
    at: new Date(text('at') ?? Date.now()),
    mailTo: text('mail_to'),
    webhookUrl: text('webhook_url'),
    sealedWebhookSecret: text('webhook_secret'),
  };
}
