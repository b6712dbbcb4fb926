import type { SqlExecutor } from '../../storage/driver.js';

export async function setPasswordHash(tx: SqlExecutor, userId: string, hash: string) {
  await tx.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, hash]);
}

export async function userCount(db: SqlExecutor): Promise<number> {
  const [row] = await db.query<{ n: string }>('SELECT app_user_count()::text AS n');
  return Number(row?.n ?? 0);
}
