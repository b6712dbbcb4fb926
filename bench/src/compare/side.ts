import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import type * as PostgresModule from '../db/postgres.js';
import type * as SeedModule from '../db/seed.js';
import type * as HttpModule from '../load/http.js';
import type * as MeasureModule from '../measure.js';
import { type ScenarioName, WARMUP_MS } from '../options.js';
import type * as AuthAgentModule from '../server/auth-agent.js';
import type * as SuiteModule from '../suite.js';
import { tokenEndpointTarget } from '../suite.js';
import type { CompareRequest, SideFigure } from './protocol.js';

/**
 * One side of `npm run bench -- --compare DIR` (compare.ts): a server of one checkout, set up
 * by that checkout's own bench code (its seeding and start-up match its schema and settings),
 * then load windows on request, one JSON line per request on stdin and per answer on stdout.
 * Usage: node side.js CHECKOUT PORT SIGNING_ALG WORKERS
 */
const [checkout = '', port = '19500', signingAlg = 'HS256', workers = '2'] = process.argv.slice(2);
const from = <T>(path: string): Promise<T> => import(join(checkout, 'bench/dist', path));

const { createBenchDatabase } = await from<typeof PostgresModule>('db/postgres.js');
const { seedAccounts } = await from<typeof SeedModule>('db/seed.js');
const { HttpClient } = await from<typeof HttpModule>('load/http.js');
const { measure } = await from<typeof MeasureModule>('measure.js');
const { obtainTokens, scenarioWork } = await from<typeof SuiteModule>('suite.js');
const authAgent = await from<typeof AuthAgentModule>('server/auth-agent.js');

const adminUrl = process.env.DATABASE_URL ?? '';
const iterations = Number(process.env.PBKDF2_ITERATIONS ?? '100000');
const database = await createBenchDatabase(adminUrl);
const accounts = await seedAccounts(
  { kind: 'postgres', url: database.url },
  { warm: 32, cold: 0, iterations },
);
// Checkouts from before ES256 signing took a bare JWT secret instead of the secrets/alg pair.
const legacy = typeof authAgent.benchSecrets !== 'function';
const server = await authAgent.startAuthAgent({
  port: Number(port),
  iterations,
  nodeOptions: '--max-old-space-size=128',
  databaseUrl: database.url,
  workers: Number(workers),
  ...((legacy
    ? { jwtSecret: randomBytes(48).toString('base64url') }
    : { secrets: authAgent.benchSecrets(), signingAlg }) as Pick<
    AuthAgentModule.ServerOptions,
    'secrets' | 'signingAlg'
  >),
});
const http = new HttpClient([server.origin], 32);
const tokens = await obtainTokens(http, accounts, 32);
// This checkout's helper: the target is plain data, the same for any checkout's scenarios.
const target = tokenEndpointTarget(accounts);
const refreshChains = tokens.map((t) => t.refresh_token);
const accessTokens = tokens.map((t) => t.access_token);
const work = new Map<ScenarioName, ReturnType<typeof scenarioWork>>();
const say = (message: SideFigure | { ready: true }) => console.log(JSON.stringify(message));

/**
 * Before each window: VACUUM this side's database and CHECKPOINT. A PostgreSQL whose
 * autovacuum is off (as on the machines these figures come from) otherwise piles up the dead
 * rows of every window before it, so each side slows as the run goes on, and by how much
 * depends on where its windows fall; a checkpoint due in the middle of one window would tax
 * that side alone. Both sides get the same treatment, outside the measured time.
 */
async function settle(): Promise<void> {
  for (const [url, statement] of [
    [database.url, 'VACUUM'],
    [adminUrl, 'CHECKPOINT'],
  ] as const) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } catch {
      // CHECKPOINT needs a superuser (or pg_checkpoint); without it the window runs as it is.
    } finally {
      await client.end();
    }
  }
}

say({ ready: true });
for await (const line of createInterface({ input: process.stdin })) {
  const request = JSON.parse(line) as CompareRequest | { quit: true };
  if ('quit' in request) break;
  let scenarioWorkload = work.get(request.scenario);
  if (!scenarioWorkload) {
    scenarioWorkload = scenarioWork(
      request.scenario,
      http,
      accounts,
      accessTokens,
      refreshChains,
      target,
      signingAlg,
    );
    work.set(request.scenario, scenarioWorkload);
  }
  await settle();
  // The VACUUM in settle() changes every table's statistics, which invalidates every plan each
  // pooled connection has cached; the first second or so of a window then re-plans every
  // statement of every SQL function in every connection, a cost a server pays after an
  // (auto)vacuum or ANALYZE, not every few seconds. The same warm-up as `npm run bench` keeps
  // that out of the measured time (bench/ANALYSIS.md, "Ninth round").
  const m = await measure(
    server.child.pid,
    {
      concurrency: request.concurrency,
      warmupMs: WARMUP_MS,
      durationMs: request.durationMs,
      iteration: scenarioWorkload.iteration,
    },
    () => database.backends(),
  );
  say({
    rate: m.rate,
    errors: m.errors,
    firstError: m.firstError,
    serverMs: m.cpuMs?.server ?? 0,
    postgresMs: m.cpuMs?.postgres ?? 0,
  });
}
await http.close();
await server.child.stop();
await database.drop();
process.exit(0);
