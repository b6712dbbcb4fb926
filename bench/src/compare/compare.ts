import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SCENARIOS, type ScenarioName, WARMUP_MS } from '../options.js';
import type { CompareRequest, SideFigure } from './protocol.js';

/**
 * `npm run bench -- --compare DIR`: this checkout against another one (built, with its
 * node_modules), on PostgreSQL, with both servers up at once and their load windows
 * interleaved (ABBA order), so that a busy shared host slows both alike. On a machine whose
 * throughput moves by 10-25% between runs of one build, a ratio taken within each round is
 * the figure that means something (bench/ANALYSIS.md, "Sixth round").
 */
const THIS_CHECKOUT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SIDE = resolve(dirname(fileURLToPath(import.meta.url)), 'side.js');

interface Side {
  name: string;
  child: ChildProcess;
  ask(request: CompareRequest | { quit: true }): Promise<SideFigure>;
  ready: Promise<unknown>;
}

function startSide(name: string, checkout: string, port: number, alg: string, workers: number) {
  const child = spawn(process.execPath, [SIDE, checkout, String(port), alg, String(workers)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting: ((message: unknown) => void)[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (line.startsWith('{')) waiting.shift()?.(JSON.parse(line));
  });
  const next = () => new Promise<unknown>((settle) => waiting.push(settle));
  const side: Side = {
    name,
    child,
    ready: next(),
    ask(request) {
      const answer = next();
      child.stdin?.write(`${JSON.stringify(request)}\n`);
      return answer as Promise<SideFigure>;
    },
  };
  return side;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2
    ? (sorted[Math.floor(mid)] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom (then ~1.96). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145,
  2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048,
  2.045, 2.042,
];

/**
 * The 95% interval of the geometric mean of per-round ratios: a ratio is a factor, so its
 * logarithm is what varies symmetrically from round to round.
 */
function interval(ratios: number[]): [number, number] {
  const logs = ratios.map(Math.log);
  const n = logs.length;
  if (n < 2) return [Number.NaN, Number.NaN];
  const mean = logs.reduce((sum, x) => sum + x, 0) / n;
  const sd = Math.sqrt(logs.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1));
  const half = (T975[n - 2] ?? 1.96) * (sd / Math.sqrt(n));
  return [Math.exp(mean - half), Math.exp(mean + half)];
}

export async function runCompare(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      compare: { type: 'string' },
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      scenario: { type: 'string', multiple: true },
      concurrency: { type: 'string' },
      workers: { type: 'string' },
      'signing-alg': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  if (!process.env.DATABASE_URL) throw new Error('--compare runs on PostgreSQL: set DATABASE_URL');
  const other = resolve(values.compare ?? '');
  const rounds = Number(values.rounds ?? '6');
  const durationMs = Number(values.seconds ?? '3') * 1000;
  const concurrency = Number(values.concurrency ?? '32');
  const workers = Number(values.workers ?? '2');
  const scenarios = (
    values.scenario ?? ['refresh', 'introspection', 'userinfo', 'signin-warm']
  ).map((name) => {
    if (!(SCENARIOS as readonly string[]).includes(name))
      throw new Error(`unknown scenario ${name}`);
    return name as ScenarioName;
  });
  const basePort = Number(process.env.BENCH_PORT ?? '18400');
  // The other checkout signs as it always did (HS256 before ES256 existed): like for like.
  const alg = values['signing-alg'] ?? 'HS256';
  const before = startSide('before', other, basePort + 100, alg, workers);
  await before.ready;
  const after = startSide('after', THIS_CHECKOUT, basePort + 200, alg, workers);
  await after.ready;
  const figures: { round: number; side: string; scenario: ScenarioName; figure: SideFigure }[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const scenario of scenarios) {
        for (const side of round % 2 === 0 ? [before, after] : [after, before]) {
          const figure = await side.ask({ scenario, concurrency, durationMs });
          figures.push({ round, side: side.name, scenario, figure });
          console.log(
            `round ${round} ${side.name.padEnd(6)} ${scenario.padEnd(14)} ${figure.rate.toFixed(0).padStart(6)}/s  CPU ms/op server ${figure.serverMs.toFixed(3)} PostgreSQL ${figure.postgresMs.toFixed(3)}${figure.errors ? `  ERRORS ${figure.errors}: ${figure.firstError}` : ''}`,
          );
        }
      }
    }
  } finally {
    for (const side of [before, after])
      side.child.stdin?.write(`${JSON.stringify({ quit: true })}\n`);
  }
  const report = renderCompare(figures, scenarios, {
    other,
    rounds,
    durationMs,
    concurrency,
    workers,
    alg,
  });
  console.log(`\n${report}`);
  const out = resolve(values.out ?? resolve(THIS_CHECKOUT, 'bench/results/compare.md'));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, report);
  console.log(`Wrote ${out}`);
}

function renderCompare(
  figures: { round: number; side: string; scenario: ScenarioName; figure: SideFigure }[],
  scenarios: ScenarioName[],
  run: {
    other: string;
    rounds: number;
    durationMs: number;
    concurrency: number;
    workers: number;
    alg: string;
  },
): string {
  const rows = scenarios.map((scenario) => {
    const of = (side: string) => figures.filter((f) => f.scenario === scenario && f.side === side);
    const [b, a] = [of('before'), of('after')];
    const ratios = a.map((f, i) => f.figure.rate / (b[i]?.figure.rate ?? Number.NaN));
    const cell = (list: typeof b) =>
      `${median(list.map((f) => f.figure.rate)).toFixed(0)}/s (${median(list.map((f) => f.figure.serverMs)).toFixed(3)} / ${median(list.map((f) => f.figure.postgresMs)).toFixed(3)})`;
    const [low, high] = interval(ratios);
    return `| ${scenario} | ${cell(b)} | ${cell(a)} | ${median(ratios).toFixed(3)} | ${low.toFixed(3)}–${high.toFixed(3)} | ${ratios.map((r) => r.toFixed(2)).join(' ')} |`;
  });
  return [
    `Compared with ${run.other}: ${run.rounds} rounds of ${run.durationMs / 1000} s per scenario and side, ${run.concurrency} concurrent clients, WORKERS=${run.workers}, ${run.alg}, PostgreSQL. Medians over the rounds: throughput (CPU ms per operation, server / PostgreSQL); the ratio is after/before throughput within each round; the interval is that of the geometric mean of the rounds' ratios (Student's t). Each window starts from a vacuumed database, after a checkpoint and ${WARMUP_MS / 1000} s of warm-up load.`,
    '',
    '| scenario | before | after | median ratio | 95% interval | ratio per round |',
    '| --- | --- | --- | --: | --: | --- |',
    ...rows,
    '',
  ].join('\n');
}
