import type { BackendResult, BenchResults, Measured } from '../results.js';

export interface TargetVerdict {
  target: string;
  measured: string;
  met: boolean | undefined;
}

const MB = 2 ** 20;
const best = (runs: Measured[]) => Math.max(...runs.map((r) => r.rate));
const runsOf = (b: BackendResult, scenario: string) =>
  b.scenarios.find((s) => s.scenario === scenario)?.runs;
const peakRss = (b: BackendResult) =>
  Math.max(...b.scenarios.flatMap((s) => s.runs.map((r) => r.rss.perProcess)));

function ratioVerdict(
  target: string,
  ours: Measured[] | undefined,
  theirs: Measured[] | undefined,
): TargetVerdict | undefined {
  if (!ours || !theirs) return undefined;
  const ratio = best(ours) / best(theirs);
  return {
    target,
    measured: `${best(ours).toFixed(0)}/s vs ${best(theirs).toFixed(0)}/s = ${ratio.toFixed(2)}×`,
    met: ratio >= 2,
  };
}

function growthVerdicts(b: BackendResult): TargetVerdict[] {
  const g = b.growth;
  if (!g) return [];
  return (['introspection', 'refresh'] as const).map((kind) => {
    const before = g.empty[kind].latency.p50;
    const after = g.seeded[kind].latency.p50;
    const change = after / before - 1;
    return {
      target: `Growth on ${b.backend}: ${kind} p50 within 20% from empty to ${g.tokens.toLocaleString('en')} tokens`,
      measured: `${before.toFixed(2)} → ${after.toFixed(2)} ms (${change >= 0 ? '+' : ''}${(100 * change).toFixed(1)}%)`,
      met: change <= 0.2,
    };
  });
}

/** Every target of the issue, judged from one run's figures. */
export function judgeTargets(results: BenchResults): TargetVerdict[] {
  const verdicts: TargetVerdict[] = [];
  const postgres = results.backends.find((b) => b.backend === 'postgres');
  // Refresh and introspection are judged against the peer figures paired with them.
  for (const b of results.backends) {
    const refresh = ratioVerdict(
      `Refresh grant throughput on ${b.backend} ≥ 2× oidc-provider${b.backend === 'postgres' ? '' : ' (the target names PostgreSQL; shown for reference)'}`,
      runsOf(b, 'refresh'),
      b.peer?.refresh,
    );
    if (refresh) verdicts.push(b.backend === 'postgres' ? refresh : { ...refresh, met: undefined });
    const v = ratioVerdict(
      `Introspection throughput on ${b.backend} ≥ 2× oidc-provider`,
      runsOf(b, 'introspection'),
      b.peer?.introspection,
    );
    if (v) verdicts.push(v);
  }
  const warm = postgres && runsOf(postgres, 'signin-warm')?.find((r) => r.concurrency === 32);
  if (warm) {
    verdicts.push({
      target: 'Full sign-in, warm, PostgreSQL, 32 concurrent: ≥ 300 flows/s and p99 < 100 ms',
      measured: `${warm.rate.toFixed(0)} flows/s, p99 ${warm.latency.p99.toFixed(1)} ms`,
      met: warm.rate >= 300 && warm.latency.p99 < 100,
    });
  }
  for (const b of results.backends) {
    const cold = runsOf(b, 'signin-cold');
    if (!cold) continue;
    const limit = (b.pbkdf2 ?? results.pbkdf2).perSecond;
    const share = best(cold) / limit;
    verdicts.push({
      target: `Full sign-in, cold, ${b.backend}: ≥ 80% of the PBKDF2 limit`,
      measured: `${best(cold).toFixed(1)} flows/s of ${limit.toFixed(1)} verifications/s = ${(100 * share).toFixed(0)}%`,
      met: share >= 0.8,
    });
  }
  if (postgres && postgres.scenarios.length > 0) {
    const rss = peakRss(postgres);
    verdicts.push({
      target: 'Peak RSS under load on PostgreSQL < 200 MB per process',
      measured: `${(rss / MB).toFixed(0)} MB (largest process, WORKERS=${postgres.workers})`,
      met: rss < 200 * MB,
    });
  }
  const embedded = results.backends.find((b) => b.backend === 'pglite');
  if (embedded?.barePglite && embedded.scenarios.length > 0) {
    const server = peakRss(embedded);
    const bare = embedded.barePglite.peak;
    verdicts.push({
      target: 'Embedded: server peak RSS − bare PGlite RSS < 100 MB',
      measured: `${(server / MB).toFixed(0)} − ${(bare / MB).toFixed(0)} = ${((server - bare) / MB).toFixed(0)} MB`,
      met: server - bare < 100 * MB,
    });
  }
  for (const b of results.backends) verdicts.push(...growthVerdicts(b));
  return verdicts;
}
