import type { SqlExecutor } from '../../storage/driver.js';

/** How the owner of an agent is told of its first sign-ins, as the agent's page shows it. */
export interface NoticeSettings {
  notifyMail: boolean;
  webhookUrl: string | null;
  /** The account mail goes to: the agent's owner's, sent only once it is verified. */
  ownerEmail: string;
  ownerEmailVerified: boolean;
}

/** Read under the caller's RLS (agent_sign_in_notifications, 023): their own agents only. */
export async function noticeSettings(
  tx: SqlExecutor,
  agentRef: string,
): Promise<NoticeSettings | undefined> {
  const [row] = await tx.query<{
    notify_mail: boolean | null;
    webhook_url: string | null;
    email: string;
    verified: boolean;
  }>(
    `SELECT s.notify_mail, s.webhook_url, u.email, u.email_verified_at IS NOT NULL AS verified
     FROM agents a JOIN users u ON u.id = a.owner_id
     LEFT JOIN agent_sign_in_notifications s ON s.agent_ref = a.id
     WHERE a.id = $1`,
    [agentRef],
  );
  if (!row) return undefined;
  return {
    notifyMail: row.notify_mail ?? false,
    webhookUrl: row.webhook_url,
    ownerEmail: row.email,
    ownerEmailVerified: row.verified,
  };
}

export interface NoticeChange {
  mail: boolean;
  webhookUrl: string | null;
  /** A new signing secret, sealed; stored only for a new URL or when rotating. */
  sealedSecret: string;
  rotate: boolean;
}

/**
 * app_set_sign_in_notifications (16-sign-in-notifications.sql): the agent's public id and
 * whether the new secret was stored, or undefined when the caller may not change this agent.
 */
export async function setNoticeSettings(
  tx: SqlExecutor,
  agentRef: string,
  change: NoticeChange,
): Promise<{ agentId: string; secretStored: boolean } | undefined> {
  const [row] = await tx.query<{ agent_id: string; secret_stored: boolean }>(
    'SELECT * FROM app_set_sign_in_notifications($1, $2, $3, $4, $5)',
    [agentRef, change.mail, change.webhookUrl, change.sealedSecret, change.rotate],
  );
  return row ? { agentId: row.agent_id, secretStored: row.secret_stored } : undefined;
}
