import type { LoadResult } from './load/run-load.js';
import type { ScenarioName } from './options.js';
import type { FloodResult } from './scenarios/flood.js';
import type { RssPeak } from './server/rss.js';

export interface Measured extends LoadResult {
  rss: RssPeak;
  /** CPU milliseconds per completed iteration, warm-up included, by who spent them. */
  cpuMs?: { server: number; postgres: number; loadGenerator: number };
  /** The flood of wrong secrets that ran during this figure (flood-* scenarios). */
  flood?: FloodResult;
}

export interface ScenarioRuns {
  scenario: ScenarioName;
  runs: Measured[];
}

export interface GrowthResult {
  tokens: number;
  seedSeconds: number;
  concurrency: number;
  empty: { introspection: Measured; refresh: Measured };
  seeded: { introspection: Measured; refresh: Measured };
}

export interface BackendResult {
  backend: 'pglite' | 'postgres';
  workers: number;
  poolSize: number | undefined;
  scenarios: ScenarioRuns[];
  growth: GrowthResult | undefined;
  /** Embedded only: PGlite alone on the same data dir, before and after the growth seed. */
  barePglite: { rss: number; peak: number } | undefined;
  barePgliteSeeded: { rss: number; peak: number } | undefined;
  /** Lifetime peak (VmHWM) of each server process, read just before it stopped. */
  serverHwm: number;
  /** Each time the server was found dead and restarted during the run. */
  crashes?: string[];
  /** oidc-provider measured right after each of our refresh and introspection figures. */
  peer: { refresh: Measured[]; introspection: Measured[] } | undefined;
  /** The PBKDF2 limit measured just before this backend's cold sign-ins, server idle. */
  pbkdf2: Pbkdf2Limit | undefined;
  profile: string | undefined;
}

export interface Pbkdf2Limit {
  iterations: number;
  inFlight: number;
  perSecond: number;
}

/** Signing and verifying one access token, per algorithm (server/signing-cost.ts). */
export interface SigningCost {
  inFlight: number;
  seconds: number;
  results: Array<{
    alg: string;
    signMicros: number;
    verifyMicros: number;
    signPerSecond: number;
    verifyPerSecond: number;
    tokenBytes: number;
  }>;
}

export interface InstancesResult {
  instances: number;
  scenarios: ScenarioRuns[];
}

export interface BenchResults {
  /** Separate server processes behind round-robin, one PostgreSQL database (docs/scaling.md). */
  instances: InstancesResult[];
  pbkdf2: Pbkdf2Limit;
  /** Token signing and verification per algorithm; absent in reports of older runs. */
  signing?: SigningCost;
  backends: BackendResult[];
  peerVersion: string | undefined;
  totalSeconds: number;
}
