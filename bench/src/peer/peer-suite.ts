import { createRequire } from 'node:module';
import { HttpClient } from '../load/http.js';
import { measure, progress } from '../measure.js';
import type { BenchOptions } from '../options.js';
import type { Measured, PeerResult } from '../results.js';
import {
  introspection,
  refreshGrant,
  type TokenEndpointTarget,
} from '../scenarios/token-endpoints.js';
import { startPeer } from './peer.js';

const require = createRequire(import.meta.url);

function peerVersion(): string {
  return (require('oidc-provider/package.json') as { version: string }).version;
}

/** oidc-provider's refresh grant and introspection, driven by the same code as ours. */
export async function runPeer(options: BenchOptions): Promise<PeerResult> {
  const maxConcurrency = Math.max(...options.concurrencies);
  const peer = await startPeer(options.basePort + 1, maxConcurrency);
  const http = new HttpClient(peer.origin, maxConcurrency);
  const target: TokenEndpointTarget = {
    http,
    tokenPath: '/token',
    introspectionPath: '/token/introspection',
    clientId: peer.clientId,
    clientSecret: peer.clientSecret,
  };
  console.log(`\n== oidc-provider ${peerVersion()} (memory adapter)`);
  try {
    const runAll = async (label: string, iteration: (vu: number) => Promise<void>) => {
      const runs: Measured[] = [];
      for (const concurrency of options.concurrencies) {
        const m = await measure(peer.child.pid, {
          concurrency,
          warmupMs: options.warmupMs,
          durationMs: options.durationMs,
          iteration,
        });
        progress(label, m);
        runs.push(m);
      }
      return runs;
    };
    const refresh = await runAll('oidc-provider refresh', refreshGrant(target, peer.refreshTokens));
    const introspect = await runAll(
      'oidc-provider introspection',
      introspection(target, peer.accessTokens),
    );
    return { version: peerVersion(), refresh, introspection: introspect };
  } finally {
    await http.close();
    await peer.child.stop();
  }
}
