import { createBenchDatabase } from './db/postgres.js';
import { seedAccounts } from './db/seed.js';
import { HttpClient } from './load/http.js';
import { measure, progress } from './measure.js';
import type { BenchOptions, ScenarioName } from './options.js';
import type { InstancesResult, ScenarioRuns } from './results.js';
import type { TokenEndpointTarget } from './scenarios/token-endpoints.js';
import { benchSecrets, type RunningAuthAgent, startAuthAgent } from './server/auth-agent.js';
import { obtainTokens, scenarioWork } from './suite.js';

const SCENARIOS: ScenarioName[] = ['signin-warm', 'refresh', 'introspection'];

/**
 * docs/scaling.md's measurement: N separate server processes (WORKERS=1 each, own port,
 * own pool) against one PostgreSQL database, with requests spread round-robin across them
 * and no stickiness, so every sign-in crosses instances. Run for 1 and for N instances.
 * Every process verifies each agent's secret once before its cache serves it, so the runs
 * are primed with four rounds of flows first: the figures are the steady state.
 */
export async function runInstances(
  options: BenchOptions,
  counts: number[],
): Promise<InstancesResult[]> {
  const concurrency = Math.max(...options.concurrencies);
  const results: InstancesResult[] = [];
  for (const instances of counts) {
    const database = await createBenchDatabase(options.adminDatabaseUrl ?? '');
    const servers: RunningAuthAgent[] = [];
    try {
      console.log(`\n== ${instances} instance(s), WORKERS=1 each, one PostgreSQL database`);
      const accounts = await seedAccounts(
        { kind: 'postgres', url: database.url },
        { warm: concurrency, cold: 0, iterations: options.iterations },
      );
      const secrets = benchSecrets();
      for (let i = 0; i < instances; i++) {
        servers.push(
          await startAuthAgent({
            port: options.basePort + 10 + i,
            secrets,
            signingAlg: options.signingAlg,
            iterations: options.iterations,
            nodeOptions: options.serverNodeOptions,
            databaseUrl: database.url,
            workers: 1,
            ...(options.poolSize ? { poolSize: options.poolSize } : {}),
          }),
        );
      }
      const http = new HttpClient(
        servers.map((s) => s.origin),
        concurrency,
      );
      const tokens = await obtainTokens(http, accounts, concurrency);
      const access = tokens.map((t) => t.access_token);
      const chains = tokens.map((t) => t.refresh_token);
      const target = (h: HttpClient): TokenEndpointTarget => ({
        http: h,
        tokenPath: '/token',
        introspectionPath: '/introspect',
        clientId: accounts.client.id,
        clientSecret: accounts.client.secret,
      });
      const runs: ScenarioRuns[] = [];
      for (const scenario of SCENARIOS) {
        const work = scenarioWork(
          scenario,
          http,
          accounts,
          access,
          chains,
          target,
          options.signingAlg,
        );
        const m = await measure(
          servers.map((s) => s.child.pid),
          {
            concurrency,
            primeRounds: 4,
            warmupMs: 2 * options.warmupMs,
            durationMs: options.durationMs,
            iteration: work.iteration,
          },
          () => database.backends(),
        );
        progress(`${instances} instance(s): ${scenario}`, m);
        runs.push({ scenario, runs: [m] });
      }
      await http.close();
      results.push({ instances, scenarios: runs });
    } finally {
      await Promise.all(servers.map((s) => s.child.stop()));
      await database.drop();
    }
  }
  return results;
}
