import { basicAuth, HttpClient } from '../load/http.js';
import type { Measured } from '../results.js';

/** Attackers sending wrong secrets at once, each on its own connection. */
export const FLOOD_CONNECTIONS = 32;

export interface FloodResult {
  connections: number;
  /** Flood requests answered per second, and how they were answered (status: count). */
  rate: number;
  statuses: Record<string, number>;
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * Each flood request comes from an address of its own (198.18.0.0/15, the benchmarking
 * range, in X-Forwarded-For, which the bench server trusts as its proxy's): the worst case
 * for per-address bounds. Requests alternate between a made-up client_id at /introspect
 * (decoy work: the id does not exist) and the real client's id with a wrong secret at
 * /token (real work, until the client's identity-wide threshold; docs/security.md).
 */
function attack(http: HttpClient, clientId: string, n: number) {
  const address = `198.18.${(n >> 8) & 255}.${n & 255}`;
  const decoy = n % 2 === 0;
  const id = decoy ? `made-up-client-${n}` : clientId;
  return http.send({
    method: 'POST',
    path: decoy ? '/introspect' : '/token',
    headers: {
      'content-type': FORM,
      'x-forwarded-for': address,
      authorization: basicAuth(id, `wrong-secret-${n}`),
    },
    body: decoy
      ? 'token=not-a-token'
      : 'grant_type=refresh_token&refresh_token=not-a-refresh-token',
  });
}

/** Starts the flood; stop() ends it and tells how the server answered it. */
export function startFlood(origin: string, clientId: string) {
  const http = new HttpClient([origin], FLOOD_CONNECTIONS);
  const statuses: Record<string, number> = {};
  let stopped = false;
  let sent = 0;
  const started = performance.now();
  const attacker = async () => {
    while (!stopped) {
      const n = sent++;
      try {
        const { status } = await attack(http, clientId, n);
        statuses[status] = (statuses[status] ?? 0) + 1;
      } catch {
        statuses.error = (statuses.error ?? 0) + 1;
      }
    }
  };
  const attackers = Array.from({ length: FLOOD_CONNECTIONS }, attacker);
  return {
    async stop(): Promise<FloodResult> {
      stopped = true;
      await Promise.all(attackers);
      const seconds = (performance.now() - started) / 1000;
      await http.close();
      const answered = Object.values(statuses).reduce((a, b) => a + b, 0);
      return { connections: FLOOD_CONNECTIONS, rate: answered / seconds, statuses };
    },
  };
}

/** Runs one honest measurement while the flood runs, and records the flood with it. */
export async function underFlood(
  origin: string,
  clientId: string,
  measure: () => Promise<Measured>,
): Promise<Measured> {
  const flood = startFlood(origin, clientId);
  let measured: Measured;
  try {
    measured = await measure();
  } catch (error) {
    await flood.stop();
    throw error;
  }
  const result = await flood.stop();
  const answers = Object.entries(result.statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ');
  console.log(`    flood: ${result.rate.toFixed(0)} wrong secrets/s answered (${answers})`);
  return { ...measured, flood: result };
}
