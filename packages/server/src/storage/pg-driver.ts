import { createHash } from 'node:crypto';
import pg from 'pg';
import type { DatabaseTimeouts } from '../config/runtime-settings.js';
import {
  DatabaseAvailability,
  DatabaseUnavailable,
  unavailabilityReason,
} from './database-availability.js';
import { APP_ROLE, type SqlDriver, type SqlExecutor } from './driver.js';
import { migrate } from './migrate.js';
import { databaseConnectError } from './pg-connect-error.js';

/** A server that does not answer within this time is reported, not waited on forever. */
const CONNECT_TIMEOUT_MS = 10_000;

export const DEFAULT_TIMEOUTS: DatabaseTimeouts = {
  connectMs: 5_000,
  queryMs: 10_000,
  keepAliveDelayMs: 10_000,
};

/**
 * The pool's settings for an outage (docs/operations-runtime.md): a bounded wait for a
 * connection, a statement_timeout on the server, a client-side timeout one second later for
 * a server that went silent (it cannot cancel anything), and TCP keep-alive so that a
 * vanished server is noticed on idle connections too.
 */
function poolTimeouts(timeouts: DatabaseTimeouts): pg.PoolConfig {
  return {
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.queryMs,
    query_timeout: timeouts.queryMs + 1_000,
    keepAlive: timeouts.keepAliveDelayMs > 0,
    keepAliveInitialDelayMillis: timeouts.keepAliveDelayMs,
  };
}

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

/** An error that means the server did not answer becomes DatabaseUnavailable, counted once. */
function observed(availability: DatabaseAvailability | undefined, error: unknown): unknown {
  const reason = unavailabilityReason(error);
  if (reason === undefined || !availability) return error;
  availability.failed(reason);
  return error instanceof DatabaseUnavailable ? error : new DatabaseUnavailable(reason);
}

function executor(
  client: pg.PoolClient | pg.Pool,
  availability?: DatabaseAvailability,
): SqlExecutor {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const name = statementName(text);
      try {
        const result = await client.query(
          name
            ? { name, text, values: params as unknown[] }
            : { text, values: params as unknown[] },
        );
        availability?.succeeded();
        return result.rows as Row[];
      } catch (error) {
        throw observed(availability, error);
      }
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
    // A connection that timed out still has the statement queued: no ROLLBACK on it (it
    // would wait out another timeout); releasing it with the error closes it instead.
    if (unavailabilityReason(error) === undefined) await client.query('ROLLBACK').catch(() => {});
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
  timeouts: DatabaseTimeouts = DEFAULT_TIMEOUTS,
  rolesOnly = false,
): Promise<SqlDriver> {
  const availability = new DatabaseAvailability();
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
    ...poolTimeouts(timeouts),
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
        ...poolTimeouts(timeouts),
      });
      owner.on('error', () => {});
    }
    return owner;
  };
  const inOneTransaction = async <T>(
    from: pg.Pool,
    work: (tx: SqlExecutor) => Promise<T>,
  ): Promise<T> => {
    const client = await from.connect().catch((error: unknown) => {
      throw observed(availability, error);
    });
    let broken: Error | undefined;
    try {
      return await inTransaction(client, () => work(executor(client, availability)));
    } catch (error) {
      if (unavailabilityReason(error) !== undefined) broken = error as Error;
      throw observed(availability, error);
    } finally {
      client.release(broken);
    }
  };
  const base = executor(pool, availability);
  return {
    kind: 'postgres',
    availability,
    query: base.query,
    transaction: (work) => inOneTransaction(pool, work),
    privileged: (work) => inOneTransaction(ownerPool(), work),
    async close() {
      await Promise.all([pool.end(), owner?.end()]);
    },
  };
}
