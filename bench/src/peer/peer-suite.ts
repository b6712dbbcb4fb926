import { createRequire } from 'node:module';
import { HttpClient } from '../load/http.js';
import { measure, progress } from '../measure.js';
import type { BenchOptions } from '../options.js';
import type { Measured } from '../results.js';
import {
  introspection,
  refreshGrant,
  type TokenEndpointTarget,
} from '../scenarios/token-endpoints.js';
import { startPeer } from './peer.js';

const require = createRequire(import.meta.url);

export type PeerScenario = 'refresh' | 'introspection';

/**
 * oidc-provider, kept running through the whole bench so that each of our refresh and
 * introspection figures is paired with one of theirs taken right after it, under the same
 * background load. Driven by the same code as ours.
 */
export interface PeerBench {
  version: string;
  measure(scenario: PeerScenario, concurrency: number): Promise<Measured>;
  stop(): Promise<void>;
}

export async function startPeerBench(options: BenchOptions): Promise<PeerBench> {
  const maxConcurrency = Math.max(...options.concurrencies);
  // A fresh set of grants for every figure: its memory adapter keeps a list of every token
  // a grant ever had and walks it on each save, so one long chain would slow it down.
  const sets = 2 * options.backends.length * options.concurrencies.length + 2;
  const peer = await startPeer(options.basePort + 1, maxConcurrency * sets);
  let nextSet = 0;
  const takeSet = () => {
    const from = maxConcurrency * nextSet++;
    if (from >= peer.refreshTokens.length) throw new Error('oidc-provider ran out of token sets');
    return {
      refresh: peer.refreshTokens.slice(from, from + maxConcurrency),
      access: peer.accessTokens.slice(from, from + maxConcurrency),
    };
  };
  const http = new HttpClient([peer.origin], maxConcurrency);
  const target: TokenEndpointTarget = {
    http,
    tokenPath: '/token',
    introspectionPath: '/token/introspection',
    clientId: peer.clientId,
    clientSecret: peer.clientSecret,
  };
  const version = (require('oidc-provider/package.json') as { version: string }).version;
  return {
    version,
    async measure(scenario, concurrency) {
      const m = await measure(
        peer.child.pid,
        {
          concurrency,
          warmupMs: options.warmupMs,
          durationMs: options.durationMs,
          iteration:
            scenario === 'refresh'
              ? refreshGrant(target, takeSet().refresh)
              : introspection(target, takeSet().access),
        },
        async () => [],
      );
      progress(`oidc-provider ${scenario}`, m);
      if (m.errors > 0) console.log(`  peer stderr: ${peer.child.stderr().slice(-2000)}`);
      return m;
    },
    async stop() {
      await http.close();
      await peer.child.stop();
    },
  };
}
