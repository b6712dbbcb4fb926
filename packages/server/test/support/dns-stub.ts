import type { LookupAddress } from 'node:dns';
import { isIPv6 } from 'node:net';
import type { ResolveHost } from '../../src/clients/outbound/guarded-lookup.js';

/**
 * A stand-in for DNS in the server's outbound fetches: each host answers the addresses the
 * test gives it, in turn (a list per call lets a test play a rebinding attack); unknown hosts
 * do not resolve. `calls` counts the lookups per host.
 */
export function dnsStub(answers: Record<string, string[] | string[][]>) {
  const calls = new Map<string, number>();
  const resolve: ResolveHost = async (hostname) => {
    const n = calls.get(hostname) ?? 0;
    calls.set(hostname, n + 1);
    const answer = answers[hostname];
    if (!answer)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const perCall = Array.isArray(answer[0]) ? (answer as string[][]) : [answer as string[]];
    const addresses = perCall[Math.min(n, perCall.length - 1)] ?? [];
    return addresses.map(
      (address): LookupAddress => ({ address, family: isIPv6(address) ? 6 : 4 }),
    );
  };
  return { resolve, calls };
}
