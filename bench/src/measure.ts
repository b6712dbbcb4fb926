import { type LoadPlan, runLoad } from './load/run-load.js';
import type { Measured } from './results.js';
import { cpuMeter } from './server/cpu.js';
import { processTree, sampleRss } from './server/rss.js';

/** One load run while the server's process tree is sampled for RSS. */
export async function measure(
  serverPids: number | number[],
  plan: LoadPlan,
  postgresBackends?: () => Promise<number[]>,
): Promise<Measured> {
  const roots = Array.isArray(serverPids) ? serverPids : [serverPids];
  const sampler = sampleRss(roots);
  const tree = roots.flatMap((root) => processTree(root));
  // Backends are listed before and after: the pool may open connections during the run.
  const backends = postgresBackends ? await postgresBackends() : undefined;
  const cpu = cpuMeter(() => tree, backends ? () => backends : undefined);
  const result = await runLoad(plan);
  const split = cpu.stop(postgresBackends ? await postgresBackends() : undefined);
  const rss = sampler.stop();
  // Per completed iteration over the whole run (warm-up included), in milliseconds.
  const done = Math.max(1, result.completed);
  return {
    ...result,
    rss,
    cpuMs: {
      server: (1000 * split.server) / done,
      postgres: (1000 * split.postgres) / done,
      loadGenerator: (1000 * split.loadGenerator) / done,
    },
  };
}

export function progress(label: string, m: Measured): void {
  const mb = (m.rss.perProcess / 2 ** 20).toFixed(0);
  const errors = m.errors > 0 ? `  ERRORS ${m.errors}: ${m.firstError}` : '';
  const cpu = m.cpuMs
    ? `cpu ms/op srv ${m.cpuMs.server.toFixed(2)} pg ${m.cpuMs.postgres.toFixed(2)} gen ${m.cpuMs.loadGenerator.toFixed(2)}`
    : '';
  console.log(
    `  ${label.padEnd(34)} c=${String(m.concurrency).padStart(2)}  ${m.rate.toFixed(1).padStart(8)}/s  p50 ${m.latency.p50.toFixed(2).padStart(7)} ms  p99 ${m.latency.p99.toFixed(2).padStart(7)} ms  rss ${mb} MB  ${cpu}${errors}`,
  );
}
