import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const benchFile = (name: string) => fileURLToPath(new URL(`../${name}`, import.meta.url));

export type ScenarioName =
  | 'signin-warm'
  | 'signin-cold'
  | 'refresh'
  | 'introspection'
  | 'userinfo'
  | 'discovery-jwks'
  | 'flood-signin'
  | 'flood-refresh';

export const SCENARIOS: readonly ScenarioName[] = [
  'signin-warm',
  'signin-cold',
  'refresh',
  'introspection',
  'userinfo',
  'discovery-jwks',
  'flood-signin',
  'flood-refresh',
];

export interface BenchOptions {
  smoke: boolean;
  concurrencies: number[];
  warmupMs: number;
  durationMs: number;
  growthTokens: number;
  coldAgents: number;
  iterations: number;
  backends: Array<'pglite' | 'postgres'>;
  adminDatabaseUrl: string | undefined;
  workers: number;
  poolSize: number | undefined;
  /** NODE_OPTIONS given to every server process. */
  serverNodeOptions: string;
  /** With DATABASE_URL: also measure 1 and this many separate instances (0 to skip). */
  instances: number;
  scenarios: ScenarioName[];
  peer: boolean;
  profile: boolean;
  basePort: number;
  out: string;
  /** SIGNING_ALG of the servers; HS256 measures the symmetric setup of the first release. */
  signingAlg: string;
}

/**
 * The production setting docs/scaling.md recommends: V8 sizes its heap from the machine's
 * memory (several GB here) and lets garbage pile up to hundreds of MB per process before a
 * full collection; a limit keeps RSS near what the server really uses.
 */
export const DEFAULT_SERVER_NODE_OPTIONS = '--max-old-space-size=128';

/** Load before each figure's measured time (and each `--compare` window's), outside smoke runs. */
export const WARMUP_MS = 2_000;

const USAGE = `npm run bench [-- options]
  --smoke               a few seconds per scenario (CI); writes bench/results/smoke.md
  --backend NAME        pglite or postgres (default: pglite, plus postgres when DATABASE_URL is set)
  --scenario NAME       run only this scenario (repeatable): ${SCENARIOS.join(', ')}
  --workers N           WORKERS for the server on PostgreSQL (default: one per core)
  --pool N              DATABASE_POOL_SIZE per process (default: the server's)
  --instances N         with DATABASE_URL, also run 1 and N separate instances (default 2; 0 skips)
  --server-node-options S  NODE_OPTIONS for the server (default ${DEFAULT_SERVER_NODE_OPTIONS}; '' for none)
  --no-peer             skip oidc-provider
  --profile             run the server under --cpu-prof and summarise where the time goes
  --seconds N           measured seconds per figure (default 10; smoke 0.8)
  --growth N            tokens seeded for the growth test (default 1,000,000; smoke 20,000)
  --signing-alg ALG     SIGNING_ALG of the server: ES256 (default), EdDSA, RS256 or HS256
  --out FILE            where to write the report (default bench/RESULTS.md)

npm run bench -- --compare DIR [--rounds N] [--seconds N] [--scenario NAME ...] [--concurrency N]
  This checkout against another built one (DIR), both servers up at once on PostgreSQL,
  load windows interleaved; writes bench/results/compare.md (or --out FILE).`;

/** Command line and environment (BENCH_SMOKE=1, DATABASE_URL, BENCH_PORT) to options. */
export function parseOptions(argv: string[], cores: number): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean' },
      backend: { type: 'string', multiple: true },
      scenario: { type: 'string', multiple: true },
      workers: { type: 'string' },
      pool: { type: 'string' },
      'server-node-options': { type: 'string' },
      instances: { type: 'string' },
      'no-peer': { type: 'boolean' },
      profile: { type: 'boolean' },
      out: { type: 'string' },
      seconds: { type: 'string' },
      growth: { type: 'string' },
      'signing-alg': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const smoke = values.smoke === true || process.env.BENCH_SMOKE === '1';
  const adminDatabaseUrl = process.env.DATABASE_URL || undefined;
  const backends = (values.backend ?? (adminDatabaseUrl ? ['pglite', 'postgres'] : ['pglite'])).map(
    (name) => {
      if (name !== 'pglite' && name !== 'postgres') throw new Error(`unknown backend ${name}`);
      if (name === 'postgres' && !adminDatabaseUrl) throw new Error('postgres needs DATABASE_URL');
      return name;
    },
  );
  const scenarios = (values.scenario ?? [...SCENARIOS]).map((name) => {
    if (!(SCENARIOS as readonly string[]).includes(name))
      throw new Error(`unknown scenario ${name}`);
    return name as ScenarioName;
  });
  const signingAlg = values['signing-alg'] ?? 'ES256';
  if (!['ES256', 'EdDSA', 'RS256', 'HS256'].includes(signingAlg))
    throw new Error(`unknown signing algorithm ${signingAlg}`);
  return {
    smoke,
    signingAlg,
    // The smoke run only proves every path still works; c=32 adds little to that.
    concurrencies: smoke ? [1, 8] : [1, 8, 32],
    warmupMs: smoke ? 200 : WARMUP_MS,
    durationMs: values.seconds ? Number(values.seconds) * 1000 : smoke ? 800 : 10_000,
    growthTokens: values.growth ? Number(values.growth) : smoke ? 20_000 : 1_000_000,
    coldAgents: smoke ? 300 : 4_000,
    iterations: Number(process.env.PBKDF2_ITERATIONS ?? '100000'),
    backends,
    adminDatabaseUrl,
    workers: values.workers ? Number(values.workers) : cores,
    poolSize: values.pool ? Number(values.pool) : undefined,
    serverNodeOptions: values['server-node-options'] ?? DEFAULT_SERVER_NODE_OPTIONS,
    instances: values.instances ? Number(values.instances) : smoke ? 0 : 2,
    scenarios,
    peer: values['no-peer'] !== true,
    profile: values.profile === true,
    basePort: Number(process.env.BENCH_PORT ?? '18400'),
    out: values.out ?? benchFile(smoke ? 'results/smoke.md' : 'RESULTS.md'),
  };
}
