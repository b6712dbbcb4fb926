import { type LatencySummary, summarise } from './stats.js';

/** Thrown by an iteration that has no more work (e.g. no fresh agent left): not an error. */
export class Exhausted extends Error {}

export interface LoadPlan {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** One unit of work (a request or a whole flow) for virtual client `vu`. */
  iteration: (vu: number) => Promise<void>;
  /** Stops early (e.g. when the cold scenario runs out of fresh agents). */
  exhausted?: () => boolean;
  /** Rounds of one iteration per client before the clock starts (default 1). */
  primeRounds?: number;
}

/** Every virtual client runs one iteration before the clock starts (connections, caches). */
async function prime(plan: LoadPlan): Promise<number> {
  const outcomes = await Promise.all(
    Array.from({ length: plan.concurrency }, (_, vu) =>
      plan.iteration(vu).then(
        () => 1,
        () => 0,
      ),
    ),
  );
  return outcomes.reduce<number>((a, b) => a + b, 0);
}

export interface LoadResult {
  concurrency: number;
  /** Completed iterations per second in the measured window. */
  rate: number;
  latency: LatencySummary;
  errors: number;
  /** Every iteration that finished without error, warm-up included (for CPU per iteration). */
  completed: number;
  firstError: string | undefined;
  measuredSeconds: number;
}

/**
 * A closed loop: `concurrency` virtual clients each run the next iteration as soon as the
 * last one finishes. Iterations that finish during the warm-up are not counted.
 */
export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  let primed = 0;
  for (let round = 0; round < (plan.primeRounds ?? 1); round++) primed += await prime(plan);
  const start = performance.now();
  const measureFrom = start + plan.warmupMs;
  const deadline = measureFrom + plan.durationMs;
  const samples: number[] = [];
  let errors = 0;
  let completed = primed;
  let firstError: string | undefined;
  let lastFinish = measureFrom;

  async function client(vu: number): Promise<void> {
    while (performance.now() < deadline && !plan.exhausted?.() && errors < 1000) {
      const began = performance.now();
      try {
        await plan.iteration(vu);
      } catch (error) {
        if (error instanceof Exhausted) break;
        errors++;
        firstError ??= (error as Error).message;
        continue;
      }
      const finished = performance.now();
      completed++;
      // Completions inside the window count, so the rate has no edge loss.
      if (finished >= measureFrom && finished <= deadline) {
        samples.push(finished - began);
        lastFinish = finished;
      }
    }
  }

  await Promise.all(Array.from({ length: plan.concurrency }, (_, vu) => client(vu)));
  const measuredMs = plan.exhausted?.() ? lastFinish - measureFrom : plan.durationMs;
  return {
    concurrency: plan.concurrency,
    rate: measuredMs > 0 ? (samples.length * 1000) / measuredMs : 0,
    latency: summarise(samples),
    errors,
    completed,
    firstError,
    measuredSeconds: measuredMs / 1000,
  };
}
