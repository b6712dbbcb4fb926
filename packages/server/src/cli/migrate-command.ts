import type { Config } from '../config/load.js';
import { openDatabase } from '../storage/open.js';

/** Opening the database applies pending migrations; this command does only that. */
export async function migrateCommand(config: Config): Promise<number> {
  const db = await openDatabase(config);
  const [row] = await db.query<{ count: string }>(
    'SELECT count(*)::text AS count FROM schema_migrations',
  );
  await db.close();
  console.log(JSON.stringify({ migrated: true, migrations: Number(row?.count ?? 0) }));
  return 0;
}
