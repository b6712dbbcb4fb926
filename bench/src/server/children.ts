import { fileURLToPath } from 'node:url';
import type { SigningCost } from '../results.js';
import { spawnNode } from './child.js';

/** Runs a bench child script to completion and parses the one JSON line it prints. */
async function runJsonChild<T>(script: string, args: string[]): Promise<T> {
  const child = spawnNode(fileURLToPath(new URL(script, import.meta.url)), args, {
    env: { PATH: process.env.PATH },
    stdout: 'pipe',
  });
  let out = '';
  child.process.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.process.once('exit', resolve));
  if (code !== 0) throw new Error(`${script} exited with ${code}: ${child.stderr()}`);
  return JSON.parse(out.trim().split('\n').pop() ?? '') as T;
}

export function runBarePglite(dataDir: string): Promise<{ rss: number; peak: number }> {
  return runJsonChild('./bare-pglite.js', [dataDir]);
}

export function runPbkdf2Limit(
  iterations: number,
  seconds: number,
): Promise<{ iterations: number; inFlight: number; perSecond: number }> {
  return runJsonChild('./pbkdf2-limit.js', [String(iterations), String(seconds)]);
}

/** Sign and verify cost of each SIGNING_ALG, measured in a child (signing-cost.ts). */
export function runSigningCost(seconds: number): Promise<SigningCost> {
  return runJsonChild('./signing-cost.js', [String(seconds)]);
}
