import { z } from 'zod';
import { ConfigError } from '../config/load.js';
import { APP_ROLE } from '../storage/driver.js';
import { openDatabase } from '../storage/open.js';
import { defineCommand } from './command.js';

/**
 * Opening the database applies pending migrations (storage/migrate.ts), so the step only
 * reports. While `serve` holds the embedded database, it migrated that database at start.
 */
export const migrate = defineCommand({
  name: 'migrate',
  summary: 'Apply database migrations and exit (creates a new embedded database)',
  options: {
    'roles-only': {
      type: 'boolean',
      help: 'PostgreSQL: create the roles the schema needs (cluster-wide) and nothing else, before pg_restore fills a new database.',
    },
  },
  details:
    'Restoring a pg_dump into a new PostgreSQL cluster: createdb, `auth-agent migrate --roles-only`, pg_restore, then start the servers (docs/operations.md).',
  createsDatabase: true,
  input: z.object({ rolesOnly: z.boolean().default(false) }),
  prepare: (line) => ({ rolesOnly: line.values['roles-only'] === true }),
  open(config, input) {
    if (input.rolesOnly && !config.databaseUrl)
      throw new ConfigError(
        '--roles-only is for PostgreSQL (DATABASE_URL): the embedded database has its roles.',
      );
    return openDatabase(config, { rolesOnly: input.rolesOnly });
  },
  async step({ db }, input) {
    if (input.rolesOnly) return { result: { migrated: false, roles: [APP_ROLE] } };
    const [row] = await db.query<{ count: string }>(
      'SELECT count(*)::text AS count FROM schema_migrations',
    );
    return { result: { migrated: true, migrations: Number(row?.count ?? 0) } };
  },
});
