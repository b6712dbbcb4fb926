import { z } from 'zod';
import { defineCommand } from './command.js';

/**
 * Opening the database applies pending migrations (storage/migrate.ts), so the step only
 * reports. While `serve` holds the embedded database, it migrated that database at start.
 */
export const migrate = defineCommand({
  name: 'migrate',
  summary: 'Apply database migrations and exit (creates a new embedded database)',
  createsDatabase: true,
  input: z.object({}),
  prepare: () => ({}),
  async step({ db }) {
    const [row] = await db.query<{ count: string }>(
      'SELECT count(*)::text AS count FROM schema_migrations',
    );
    return { result: { migrated: true, migrations: Number(row?.count ?? 0) } };
  },
});
