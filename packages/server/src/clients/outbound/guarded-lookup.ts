import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { isLoopback, isSpecialUse } from './special-addresses.js';

/** Resolves a host name to every address it has (dns.lookup, or a stub in tests). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: ResolveHost = (hostname) =>
  dnsLookup(hostname, { all: true, verbatim: true });

/** A host resolved to an address the server must not reach (its message names no address). */
export class ForbiddenAddressError extends Error {
  override readonly name = 'ForbiddenAddressError';
  readonly code = 'EFORBIDDENADDRESS';
  constructor() {
    super('The host resolves to an address this server does not fetch from.');
  }
}

/** Whether the server may connect to this address; loopback only in development. */
export function addressAllowed(address: string, allowLoopback: boolean): boolean {
  return !isSpecialUse(address) || (allowLoopback && isLoopback(address));
}

/**
 * A `lookup` for the sockets of outbound fetches: it resolves the host once, refuses the
 * connection unless every address passes `allowed`, and hands the socket exactly the
 * addresses it checked. The address checked is therefore the address connected to: a DNS
 * answer that changes between a check and the connection (rebinding) has nothing to change.
 */
export function guardedLookup(
  resolve: ResolveHost,
  allowed: (address: string) => boolean,
): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const usable = addresses.filter((a) => wanted === undefined || a.family === wanted);
        const first = usable[0];
        if (!first || usable.some((a) => !allowed(a.address))) {
          callback(new ForbiddenAddressError(), '', 0);
          return;
        }
        if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}
