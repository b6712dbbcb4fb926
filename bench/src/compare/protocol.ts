import type { ScenarioName } from '../options.js';

/** What compare.ts asks a side (side.ts) for: one load window. */
export interface CompareRequest {
  scenario: ScenarioName;
  concurrency: number;
  durationMs: number;
}

/** A side's answer: throughput and CPU milliseconds per operation in that window. */
export interface SideFigure {
  rate: number;
  errors: number;
  firstError: string | undefined;
  serverMs: number;
  postgresMs: number;
}
