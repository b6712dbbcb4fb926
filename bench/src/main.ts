import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeMachine } from './machine.js';
import { parseOptions } from './options.js';
import { startPeerBench } from './peer/peer-suite.js';
import { renderResults } from './report/results-md.js';
import type { BackendResult, BenchResults } from './results.js';
import { runPbkdf2Limit } from './server/children.js';
import { runBackend } from './suite.js';

/** `npm run bench`: every scenario on each backend, the peer, the limits; then the report. */
async function main(argv: string[]): Promise<void> {
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
  const peer = options.peer ? await startPeerBench(options) : undefined;
  const backends: BackendResult[] = [];
  try {
    for (const backend of options.backends) backends.push(await runBackend(backend, options, peer));
  } finally {
    await peer?.stop();
  }
  const results: BenchResults = {
    pbkdf2,
    backends,
    peerVersion: peer?.version,
    totalSeconds: (performance.now() - started) / 1000,
  };
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderResults(results, options, machine));
  const raw = resolve(dirname(out), options.smoke ? 'smoke.json' : 'results/latest.json');
  mkdirSync(dirname(raw), { recursive: true });
  writeFileSync(raw, `${JSON.stringify({ machine, results }, null, 2)}\n`);
  console.log(`\nWrote ${out} (${results.totalSeconds.toFixed(0)} s in all)`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
