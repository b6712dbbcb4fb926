import { type LoadPlan, runLoad } from './load/run-load.js';
import type { Measured } from './results.js';
import { sampleRss } from './server/rss.js';

/** One load run while the server's process tree is sampled for RSS. */
export async function measure(serverPids: number | number[], plan: LoadPlan): Promise<Measured> {
  const sampler = sampleRss(Array.isArray(serverPids) ? serverPids : [serverPids]);
  const result = await runLoad(plan);
  const rss = sampler.stop();
  return { ...result, rss };
}

export function progress(label: string, m: Measured): void {
  const mb = (m.rss.perProcess / 2 ** 20).toFixed(0);
  const errors = m.errors > 0 ? `  ERRORS ${m.errors}: ${m.firstError}` : '';
  console.log(
    `  ${label.padEnd(34)} c=${String(m.concurrency).padStart(2)}  ${m.rate.toFixed(1).padStart(8)}/s  p50 ${m.latency.p50.toFixed(2).padStart(7)} ms  p99 ${m.latency.p99.toFixed(2).padStart(7)} ms  rss ${mb} MB${errors}`,
  );
}
