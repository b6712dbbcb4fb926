import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { runCompare } from './compare/compare.js';
import { runInstances } from './instances.js';
import { describeMachine, type MachineInfo } from './machine.js';
import { parseOptions } from './options.js';
import { startPeerBench } from './peer/peer-suite.js';
import { renderResults } from './report/results-md.js';
import type { BackendResult, BenchResults, Measured } from './results.js';
import { stopAllChildren } from './server/child.js';
import { runPbkdf2Limit, runSigningCost } from './server/children.js';
import { runBackend } from './suite.js';

/** `npm run bench`: every scenario on each backend, the peer, the limits; then the report. */
async function main(argv: string[]): Promise<void> {
  if (argv.includes('--compare')) return runCompare(argv);
  const fromJson = argv.indexOf('--render');
  if (fromJson >= 0) return renderOnly(argv[fromJson + 1], argv.slice(fromJson + 2));
  const machine = describeMachine(argv);
  const options = parseOptions(argv, machine.cores);
  const started = performance.now();
  console.log(
    `Auth Agent bench${options.smoke ? ' (smoke)' : ''}: ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB, Node ${machine.node}, load ${machine.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const pbkdf2 = await runPbkdf2Limit(options.iterations, options.smoke ? 1 : 5);
  console.log(
    `PBKDF2 limit: ${pbkdf2.perSecond.toFixed(1)} verifications/s at ${pbkdf2.iterations} iterations (${pbkdf2.inFlight} in flight)`,
  );
  const signing = await runSigningCost(options.smoke ? 0.2 : 2);
  for (const r of signing.results)
    console.log(
      `${r.alg}: sign ${r.signMicros.toFixed(0)} µs, verify ${r.verifyMicros.toFixed(0)} µs (${r.signPerSecond.toFixed(0)} / ${r.verifyPerSecond.toFixed(0)} per second with ${signing.inFlight} in flight)`,
    );
  const peer = options.peer ? await startPeerBench(options) : undefined;
  const backends: BackendResult[] = [];
  try {
    for (const backend of options.backends) backends.push(await runBackend(backend, options, peer));
  } finally {
    await peer?.stop();
  }
  const instances =
    options.instances > 1 && options.adminDatabaseUrl
      ? await runInstances(options, [1, options.instances])
      : [];
  const results: BenchResults = {
    instances,
    pbkdf2,
    signing,
    backends,
    peerVersion: peer?.version,
    totalSeconds: (performance.now() - started) / 1000,
  };
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderResults(results, options, machine));
  if (!options.smoke) formatReport(out);
  // Raw figures beside the report's name, e.g. results/RESULTS.json for RESULTS.md.
  const raw = resolve(
    dirname(out),
    options.smoke ? '.' : 'results',
    basename(out).replace(/\.md$/, '.json'),
  );
  mkdirSync(dirname(raw), { recursive: true });
  writeFileSync(raw, `${JSON.stringify({ machine, argv, results }, null, 2)}\n`);
  console.log(`\nWrote ${out} (${results.totalSeconds.toFixed(0)} s in all)`);
  const failed = failedRuns(results);
  if (failed.length > 0) {
    // No thresholds, but a figure made of errors is no figure: the bench has rotted.
    console.error(
      `\n${failed.length} figure(s) had errors or no completed work:\n${failed.join('\n')}`,
    );
    process.exitCode = 1;
  }
}

/** Biome formats Markdown too; a committed report must pass `npx biome check .`. */
function formatReport(path: string): void {
  try {
    execFileSync('npx', ['biome', 'format', '--write', path], { stdio: 'ignore' });
  } catch {
    console.warn(`Could not run biome on ${path}; run \`npx biome format --write ${path}\`.`);
  }
}

/**
 * Re-renders a report from a run's saved JSON (bench/results/latest.json), for changes to
 * the report's layout: the figures stay those of that one run.
 */
function renderOnly(jsonPath: string | undefined, argv: string[]): void {
  if (!jsonPath) throw new Error('usage: --render <results.json> [the original options]');
  const saved = JSON.parse(readFileSync(jsonPath, 'utf8')) as {
    machine: MachineInfo;
    results: BenchResults;
    argv?: string[];
  };
  const options = parseOptions(saved.argv ?? argv, saved.machine.cores);
  writeFileSync(resolve(options.out), renderResults(saved.results, options, saved.machine));
  formatReport(resolve(options.out));
  console.log(`Wrote ${resolve(options.out)} from ${jsonPath}`);
}

function failedRuns(results: BenchResults): string[] {
  const all: Array<[string, Measured]> = [];
  for (const b of results.backends) {
    for (const s of b.scenarios)
      for (const m of s.runs) all.push([`${b.backend} ${s.scenario}`, m]);
    for (const [kind, runs] of Object.entries(b.peer ?? {}))
      for (const m of runs) all.push([`oidc-provider ${kind}`, m]);
    if (b.growth)
      for (const [phase, pair] of Object.entries({
        empty: b.growth.empty,
        seeded: b.growth.seeded,
      }))
        for (const [kind, m] of Object.entries(pair))
          all.push([`${b.backend} growth ${phase} ${kind}`, m]);
  }
  for (const r of results.instances)
    for (const s of r.scenarios)
      for (const m of s.runs) all.push([`${r.instances} instances ${s.scenario}`, m]);
  return all
    .filter(([, m]) => m.errors > 0 || m.latency.count === 0)
    .map(
      ([label, m]) =>
        `  ${label} c=${m.concurrency}: ${m.errors} errors${m.firstError ? ` (${m.firstError})` : ''}`,
    );
}

main(process.argv.slice(2)).catch(async (error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  // The servers of the failed run would keep the bench (and CI) waiting forever.
  await stopAllChildren();
  process.exit(1);
});
