import { sha256 } from '../../crypto/digest.js';
import { randomToken } from '../../crypto/random.js';
import type { SqlExecutor } from '../../storage/driver.js';

const SETUP_TTL_SECONDS = 24 * 60 * 60;

/**
 * On first run (no user at all) issues the one-time link that creates the first admin.
 * Only the token's hash is stored; it works once, and only until the first user exists.
 */
export async function issueSetupLink(db: SqlExecutor, issuer: string): Promise<string | undefined> {
  const token = randomToken(32);
  const [row] = await db.query<{ issued: boolean }>(
    'SELECT app_issue_setup_token($1, $2) AS issued',
    [sha256(token), SETUP_TTL_SECONDS],
  );
  return row?.issued ? `${issuer}/console/setup?token=${token}` : undefined;
}

export async function setupTokenValid(db: SqlExecutor, token: string): Promise<boolean> {
  const [row] = await db.query<{ valid: boolean }>('SELECT app_setup_token_valid($1) AS valid', [
    sha256(token),
  ]);
  return row?.valid === true;
}

/**
 * Spends the link and creates the admin with its first session (only the session id's hash
 * is stored); undefined if the link was not (or no longer) valid.
 */
export async function completeSetup(
  db: SqlExecutor,
  token: string,
  admin: { email: string; passwordHash: string; sessionId: string; lifetimeSeconds: number },
): Promise<string | undefined> {
  const [row] = await db.query<{ id: string | null }>(
    'SELECT app_complete_setup($1, $2, $3, $4, $5) AS id',
    [
      sha256(token),
      admin.email,
      admin.passwordHash,
      sha256(admin.sessionId),
      admin.lifetimeSeconds,
    ],
  );
  return row?.id ?? undefined;
}
