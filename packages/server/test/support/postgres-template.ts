import type pg from 'pg';

/** One lock for every test process of every run on this server, while a template is built. */
const TEMPLATE_LOCK = 0x4a_41_54_4d;

/**
 * The database that the PostgreSQL test databases of this schema are copied from (CREATE
 * DATABASE … TEMPLATE), built once per set of migrations (`digest`) by whichever test process
 * asks first, while the others wait on an advisory lock: running the migrations costs every
 * test file about half a second, and the `upgraded` project's release-0.1.0 schema more.
 * `build` fills the database at the URL it is given and leaves no connection open (a template
 * with a session in it cannot be copied). It is built under another name and renamed when
 * complete, so a test process that died halfway leaves nothing that looks finished. Old
 * templates are left in place: another checkout's tests on the same server may be using them.
 */
export async function templateDatabase(
  admin: pg.Client,
  adminUrl: string,
  schema: 'current' | 'legacy',
  digest: string,
  build: (url: string) => Promise<void>,
): Promise<string> {
  const name = `auth_agent_test_template_${schema}_${digest}`;
  await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return name;
    const building = `${name}_partial`;
    await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${building}`);
    const url = new URL(adminUrl);
    url.pathname = `/${building}`;
    await build(url.href);
    await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
  }
}
