import { createHash } from 'node:crypto';
import pg from 'pg';
import { APP_ROLE, type SqlDriver, type SqlExecutor } from './driver.js';
import { migrate } from './migrate.js';
import { databaseConnectError } from './pg-connect-error.js';

/** A server that does not answer within this time is reported, not waited on forever. */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The server's own calls of its SECURITY DEFINER functions (a fixed, small set of texts)
 * run as named prepared statements: each connection parses and plans them once instead of on
 * every call. Anything else (console queries with optional filters) stays unnamed.
 */
const PREPARED = /^SELECT (?:\* FROM )?(?:oauth|security)_[a-z_]+\(/;
const statementNames = new Map<string, string>();

function statementName(text: string): string | undefined {
  if (!PREPARED.test(text)) return undefined;
  let name = statementNames.get(text);
  if (!name) {
    name = `aa_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

function executor(client: pg.PoolClient | pg.Pool): SqlExecutor {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const name = statementName(text);
      const result = await client.query(
        name ? { name, text, values: params as unknown[] } : { text, values: params as unknown[] },
      );
      return result.rows as Row[];
    },
  };
}

async function inTransaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/**
 * A PostgreSQL server through `pg`. Migrations run with the login role's privileges on a
 * dedicated connection; every pooled connection then switches to the application role.
 */
export async function openPostgres(
  url: string,
  poolSize: number,
  migrationUrl?: string,
  rolesOnly = false,
): Promise<SqlDriver> {
  const migrationSetting = migrationUrl ? 'DATABASE_MIGRATION_URL' : 'DATABASE_URL';
  // With DATABASE_MIGRATION_URL the schema owner only ever migrates; the pool logs in as a
  // role that is not superuser, so even `RESET ROLE` cannot leave row-level security.
  const migrator = new pg.Client({
    connectionString: migrationUrl ?? url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  await migrator.connect().catch((error: unknown) => {
    throw databaseConnectError(error, migrationSetting, migrationUrl ?? url);
  });
  try {
    await migrate(
      {
        privilegedTransaction: (work) =>
          inTransaction(migrator as unknown as pg.PoolClient, () =>
            work({
              ...executor(migrator as unknown as pg.PoolClient),
              exec: async (script) => {
                await migrator.query(script);
              },
            }),
          ),
      },
      rolesOnly,
    );
  } finally {
    await migrator.end();
  }
  // The role is set in the startup packet: a connection that cannot take it never opens,
  // so no query can ever run with the login role's privileges by accident.
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    idleTimeoutMillis: 30_000,
    options: `-c role=${APP_ROLE}`,
  });
  // An idle client losing its connection must not crash the process.
  pool.on('error', () => {});
  // One round trip now, so a login role that cannot take auth_agent_app (or a DATABASE_URL
  // other than the migration URL that does not answer) is reported here, naming the setting.
  await pool.query('SELECT 1').catch(async (error: unknown) => {
    await pool.end();
    throw databaseConnectError(error, 'DATABASE_URL', url);
  });
  // The operator's connections (driver.ts, privileged): opened only when first needed.
  let owner: pg.Pool | undefined;
  const ownerPool = () => {
    if (!owner) {
      owner = new pg.Pool({
        connectionString: migrationUrl ?? url,
        max: 2,
        idleTimeoutMillis: 10_000,
      });
      owner.on('error', () => {});
    }
    return owner;
  };
  const inOneTransaction = async <T>(
    from: pg.Pool,
    work: (tx: SqlExecutor) => Promise<T>,
  ): Promise<T> => {
    const client = await from.connect();
    try {
      return await inTransaction(client, () => work(executor(client)));
    } finally {
      client.release();
    }
  };
  const base = executor(pool);
  return {
    kind: 'postgres',
    query: base.query,
    transaction: (work) => inOneTransaction(pool, work),
    privileged: (work) => inOneTransaction(ownerPool(), work),
    async close() {
      await Promise.all([pool.end(), owner?.end()]);
    },
  };
}
