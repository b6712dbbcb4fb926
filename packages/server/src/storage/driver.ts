import type { DatabaseAvailability } from './database-availability.js';

/** The two things the store needs from a database connection, whatever the backend. */
export interface SqlExecutor {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

export interface SqlDriver extends SqlExecutor {
  readonly kind: 'pglite' | 'postgres';
  /** Whether the server answers (an embedded database always does). */
  readonly availability: DatabaseAvailability;
  /** Runs `work` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one transaction with the schema owner's privileges, outside row-level
   * security: for the operator's work only (CLI provisioning and incident response, the
   * control socket), never for a request. PostgreSQL: a connection of the migration role
   * (DATABASE_MIGRATION_URL, else DATABASE_URL without the switch to the application role);
   * PGlite: `SET LOCAL ROLE NONE` back to its superuser for this transaction.
   */
  privileged<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * PGlite only: a consistent copy of the whole database (a gzip'd tar of its data
   * directory) taken while it stays open, for `auth-agent backup`. PostgreSQL has pg_dump.
   */
  snapshot?(): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** The role every application query runs as: not superuser, not BYPASSRLS (see 001_core.sql). */
export const APP_ROLE = 'auth_agent_app';

/**
 * The driver as the operator uses it: every query and transaction on the privileged
 * connection (a query is a transaction of its own). For the CLI's commands, which work on
 * every owner's objects and call functions the application role may not.
 */
export function asOperator(db: SqlDriver): SqlDriver {
  return {
    kind: db.kind,
    availability: db.availability,
    query: (text, params) => db.privileged((tx) => tx.query(text, params)),
    transaction: (work) => db.privileged(work),
    privileged: (work) => db.privileged(work),
    // The operator takes backups; the snapshot is the driver's own (no transaction of ours).
    snapshot: db.snapshot,
    close: () => db.close(),
  };
}
