import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendLocation } from './db/backend.js';
import { createBenchDatabase } from './db/postgres.js';
import { type SeededAccounts, seedAccounts } from './db/seed.js';
import { seedTokens } from './db/seed-tokens.js';
import { HttpClient } from './load/http.js';
import { measure, progress } from './measure.js';
import type { BenchOptions, ScenarioName } from './options.js';
import type { PeerBench } from './peer/peer-suite.js';
import { summariseProfiles } from './profile.js';
import type { BackendResult, Measured, Pbkdf2Limit, ScenarioRuns } from './results.js';
import { underFlood } from './scenarios/flood.js';
import { discoveryAndJwks, userinfo } from './scenarios/resource-endpoints.js';
import { coldSignIn, signIn, type TokenSet, warmSignIn } from './scenarios/signin.js';
import {
  introspection,
  refreshGrant,
  type TokenEndpointTarget,
} from './scenarios/token-endpoints.js';
import { benchSecrets, type RunningAuthAgent, startAuthAgent } from './server/auth-agent.js';
import { runBarePglite, runPbkdf2Limit } from './server/children.js';
import { processTree, rssOf } from './server/rss.js';

const GROWTH_CONCURRENCY = 8;

interface Session {
  server: RunningAuthAgent;
  http: HttpClient;
}

/** Runs every scenario against our server on one backend, then the growth test. */
export async function runBackend(
  backend: 'pglite' | 'postgres',
  options: BenchOptions,
  peer: PeerBench | undefined,
): Promise<BackendResult> {
  const workDir = mkdtempSync(join(tmpdir(), 'auth-agent-bench-'));
  const database =
    backend === 'postgres' ? await createBenchDatabase(options.adminDatabaseUrl ?? '') : undefined;
  const location: BackendLocation = database
    ? { kind: 'postgres', url: database.url }
    : { kind: 'pglite', dataDir: join(workDir, 'data') };
  const workers = backend === 'postgres' ? options.workers : 1;
  const secrets = benchSecrets();
  const profileDir = process.env.BENCH_PROFILE_DIR ?? join(workDir, 'profile');
  const startServer = () =>
    startAuthAgent({
      port: options.basePort,
      secrets,
      signingAlg: options.signingAlg,
      iterations: options.iterations,
      nodeOptions: options.serverNodeOptions,
      ...(location.kind === 'postgres'
        ? {
            databaseUrl: location.url,
            workers,
            ...(options.poolSize ? { poolSize: options.poolSize } : {}),
          }
        : { dataDir: location.dataDir }),
      ...(options.profile ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
    });
  const start = async (): Promise<Session> => {
    const server = await startServer();
    return { server, http: new HttpClient([server.origin], Math.max(...options.concurrencies)) };
  };
  const stop = async (session: Session): Promise<number> => {
    const hwm = Math.max(
      ...processTree(session.server.child.pid).map((pid) => rssOf(pid, 'VmHWM') ?? 0),
    );
    await session.http.close();
    await session.server.child.stop();
    return hwm;
  };

  try {
    console.log(`\n== Auth Agent on ${backend}${workers > 1 ? ` (WORKERS=${workers})` : ''}`);
    const accounts = await seedAccounts(location, {
      warm: Math.max(...options.concurrencies),
      cold: options.coldAgents,
      iterations: options.iterations,
    });
    let session = await start();
    const tokens = await obtainTokens(session.http, accounts, Math.max(...options.concurrencies));
    const target = tokenEndpointTarget(accounts);
    const refreshChains = tokens.map((t) => t.refresh_token);
    const accessTokens = tokens.map((t) => t.access_token);
    const run = async (
      s: Session,
      label: string,
      concurrency: number,
      iteration: (vu: number) => Promise<void>,
      exhausted?: () => boolean,
    ): Promise<Measured> => {
      const m = await measure(
        s.server.child.pid,
        {
          concurrency,
          warmupMs: options.warmupMs,
          durationMs: options.durationMs,
          iteration,
          ...(exhausted ? { exhausted } : {}),
        },
        // PGlite runs inside the server process: no separate database CPU to count.
        database ? () => database.backends() : async () => [],
      );
      progress(label, m);
      if (m.errors > 0) console.log(`  server stderr: ${s.server.child.stderr().slice(-2000)}`);
      return m;
    };

    const growthRun = async (s: Session) => ({
      introspection: await run(
        s,
        'growth: introspection',
        GROWTH_CONCURRENCY,
        introspection(target(s.http), accessTokens),
      ),
      refresh: await run(
        s,
        'growth: refresh',
        GROWTH_CONCURRENCY,
        refreshGrant(target(s.http), refreshChains),
      ),
    });
    // A server that dies mid-run is restarted (and every client signs in afresh, since a
    // rotation may have committed without its answer arriving), so one crash costs the
    // figures it hit, not all the later ones; the report lists every crash.
    const crashes: string[] = [];
    const ensureAlive = async (where: string) => {
      const { exitCode, signalCode } = session.server.child.process;
      if (exitCode === null && signalCode === null) return;
      const stderr = session.server.child.stderr().trim().slice(-400) || '(nothing on stderr)';
      crashes.push(
        `before ${where}: the server had exited (code ${exitCode}, signal ${signalCode}); ${stderr}`,
      );
      console.log(`  !! server died before ${where}; restarting it`);
      session = { server: await startServer(), http: session.http };
      const fresh = await obtainTokens(session.http, accounts, tokens.length);
      fresh.forEach((t, i) => {
        accessTokens[i] = t.access_token;
        refreshChains[i] = t.refresh_token;
      });
    };
    const empty = await growthRun(session);
    const scenarios: ScenarioRuns[] = [];
    const peerRuns = { refresh: [] as Measured[], introspection: [] as Measured[] };
    let pbkdf2: Pbkdf2Limit | undefined;
    for (const scenario of options.scenarios) {
      if (scenario === 'signin-cold') {
        pbkdf2 = await runPbkdf2Limit(options.iterations, options.smoke ? 1 : 5);
        console.log(`  PBKDF2 limit now: ${pbkdf2.perSecond.toFixed(1)} verifications/s`);
      }
      const runs: Measured[] = [];
      const limitBefore = pbkdf2;
      // One work object per scenario: the cold agents used at one level stay used.
      const work = scenarioWork(
        scenario,
        session.http,
        accounts,
        accessTokens,
        refreshChains,
        target,
        options.signingAlg,
      );
      for (const concurrency of options.concurrencies) {
        await ensureAlive(`${scenario} c=${concurrency}`);
        const once = () => run(session, scenario, concurrency, work.iteration, work.exhausted);
        // The flood-* scenarios: the same honest work while wrong secrets pour in.
        const flooded = scenario.startsWith('flood-');
        runs.push(
          await (flooded ? underFlood(session.server.origin, accounts.client.id, once) : once()),
        );
        if (peer && (scenario === 'refresh' || scenario === 'introspection'))
          peerRuns[scenario].push(await peer.measure(scenario, concurrency));
      }
      if (scenario === 'signin-cold' && limitBefore) {
        // Other work on the machine moves the limit; judge against the higher of the two.
        const after = await runPbkdf2Limit(options.iterations, options.smoke ? 1 : 5);
        console.log(`  PBKDF2 limit after: ${after.perSecond.toFixed(1)} verifications/s`);
        if (after.perSecond > limitBefore.perSecond) pbkdf2 = after;
      }
      scenarios.push({ scenario, runs });
    }
    await ensureAlive('the end of the scenarios');
    let serverHwm = await stop(session);

    const barePglite =
      location.kind === 'pglite' ? await runBarePglite(location.dataDir) : undefined;
    console.log(`  seeding ${options.growthTokens.toLocaleString('en')} refresh tokens ...`);
    const seeded = await seedTokens(location, {
      count: options.growthTokens,
      ownerId: accounts.ownerId,
      clientId: accounts.client.id,
    });
    console.log(`  seeded in ${seeded.seconds.toFixed(1)} s`);
    session = await start();
    const full = await growthRun(session);
    serverHwm = Math.max(serverHwm, await stop(session));
    const barePgliteSeeded =
      location.kind === 'pglite' && !options.smoke
        ? await runBarePglite(location.dataDir)
        : undefined;
    return {
      backend,
      workers,
      poolSize: options.poolSize,
      scenarios,
      growth: {
        tokens: seeded.refreshTokens,
        seedSeconds: seeded.seconds,
        concurrency: GROWTH_CONCURRENCY,
        empty,
        seeded: full,
      },
      barePglite,
      barePgliteSeeded,
      serverHwm,
      crashes,
      peer: peer ? peerRuns : undefined,
      pbkdf2,
      profile: options.profile ? summariseProfiles(profileDir) : undefined,
    };
  } finally {
    await database?.drop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Where the token-endpoint scenarios send their requests, as the seeded client. */
export function tokenEndpointTarget(accounts: SeededAccounts) {
  return (http: HttpClient): TokenEndpointTarget => ({
    http,
    tokenPath: '/token',
    introspectionPath: '/introspect',
    clientId: accounts.client.id,
    clientSecret: accounts.client.secret,
  });
}

export async function obtainTokens(
  http: HttpClient,
  accounts: SeededAccounts,
  count: number,
): Promise<TokenSet[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => {
      const agent = accounts.warmAgents[i % accounts.warmAgents.length];
      if (!agent) throw new Error('no warm agents');
      return signIn(http, accounts, agent, {});
    }),
  );
}

export function scenarioWork(
  scenario: ScenarioName,
  http: HttpClient,
  accounts: SeededAccounts,
  accessTokens: string[],
  refreshChains: string[],
  target: (http: HttpClient) => TokenEndpointTarget,
  signingAlg: string,
): { iteration: (vu: number) => Promise<void>; exhausted?: () => boolean } {
  switch (scenario) {
    case 'signin-warm':
    case 'flood-signin':
      return { iteration: warmSignIn(http, accounts) };
    case 'signin-cold':
      return coldSignIn(http, accounts);
    case 'refresh':
    case 'flood-refresh':
      return { iteration: refreshGrant(target(http), refreshChains) };
    case 'introspection':
      return { iteration: introspection(target(http), accessTokens) };
    case 'userinfo':
      return { iteration: userinfo(http, accessTokens) };
    case 'discovery-jwks':
      return { iteration: discoveryAndJwks(http, signingAlg) };
  }
}
