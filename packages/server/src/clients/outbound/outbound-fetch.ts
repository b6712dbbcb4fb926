import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { RequestOrigin } from '../../request-info.js';
import {
  addressAllowed,
  ForbiddenAddressError,
  guardedLookup,
  type ResolveHost,
} from './guarded-lookup.js';
import { isLoopback } from './special-addresses.js';

/** Why an outbound fetch failed; the messages name no address, port or response content. */
export type FetchFailure =
  | 'scheme'
  | 'forbidden_address'
  | 'unreachable'
  | 'timeout'
  | 'redirect'
  | 'status'
  | 'too_large'
  | 'not_json';

const MESSAGES: Record<FetchFailure, string> = {
  scheme: 'must be an https URL',
  forbidden_address: 'does not resolve to a public address',
  unreachable: 'could not be reached',
  timeout: 'did not answer in time',
  redirect: 'answered with a redirect, which is not followed',
  status: 'did not answer 200 OK',
  too_large: 'is larger than this server reads',
  not_json: 'is not a JSON document',
};

export class OutboundFetchError extends Error {
  override readonly name = 'OutboundFetchError';
  constructor(readonly reason: FetchFailure) {
    super(MESSAGES[reason]);
  }
}

export interface OutboundPolicy {
  resolve: ResolveHost;
  timeoutMs: number;
  /** Development only: http, and loopback addresses, are allowed. */
  allowLoopbackHttp: boolean;
  /**
   * Spends the rate-limit budget for a fetch from `host` on behalf of `request` (undefined:
   * the server's own); throws when it is spent.
   */
  budget: (host: string, request: RequestOrigin) => Promise<void>;
  /** The certificates https trusts, replacing Node's roots; tests add their own. */
  ca?: string[];
}

export interface FetchedJson {
  value: unknown;
  cacheControl: string | undefined;
}

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json$/;

/**
 * Which addresses an outbound request to `url` may connect to: https to public addresses
 * (and loopback in development), http only to loopback and only in development. Throws for
 * any other scheme, and for an IP literal that is refused (Node connects to one without
 * calling `lookup`). Every outbound request (this file, outbound-post.ts) starts here.
 */
export function addressRule(url: URL, allowLoopbackHttp: boolean): (address: string) => boolean {
  if (url.protocol !== 'https:' && !(allowLoopbackHttp && url.protocol === 'http:'))
    throw new OutboundFetchError('scheme');
  // http is a development convenience for servers on this machine only.
  const allowed =
    url.protocol === 'http:'
      ? isLoopback
      : (address: string) => addressAllowed(address, allowLoopbackHttp);
  if (isIP(ipLiteral(url)) && !allowed(ipLiteral(url)))
    throw new OutboundFetchError('forbidden_address');
  return allowed;
}

/** The host of `url` without the brackets of an IPv6 literal. */
export function ipLiteral(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * GETs a small JSON document from a URL a client gave us (a client_id, a jwks_uri), hardened
 * against server-side request forgery: https only (http to loopback in development), the
 * host's addresses checked after resolution and pinned for the connection
 * (guarded-lookup.ts), no redirects (CIMD draft §"Client Information Discovery"), one
 * deadline for the whole exchange, and at most `maxBytes` read.
 */
export class OutboundFetcher {
  constructor(private readonly policy: OutboundPolicy) {}

  /** `request`: the request that needs the document, charged for the fetch. */
  async fetchJson(url: URL, maxBytes: number, request: RequestOrigin): Promise<FetchedJson> {
    const allowed = addressRule(url, this.policy.allowLoopbackHttp);
    await this.policy.budget(url.hostname, request);
    const response = await this.get(url, allowed);
    try {
      return await readJson(response, maxBytes);
    } finally {
      response.destroy();
    }
  }

  private get(url: URL, allowed: (address: string) => boolean): Promise<IncomingMessage> {
    const signal = AbortSignal.timeout(this.policy.timeoutMs);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(url, {
        method: 'GET',
        agent: false,
        signal,
        lookup: guardedLookup(this.policy.resolve, allowed),
        ...(this.policy.ca ? { ca: this.policy.ca } : {}),
        headers: { accept: 'application/json', 'user-agent': 'auth-agent' },
      });
      req.once('response', (res) => {
        // The deadline covers the body as well: a server that drips bytes is cut off too.
        signal.addEventListener('abort', () => res.destroy(new OutboundFetchError('timeout')));
        resolve(res);
      });
      req.once('error', (error) => reject(failure(error, signal)));
      req.end();
    });
  }
}

/** An outbound request's error as the reason it failed (no address or content in it). */
export function failure(error: Error, signal: AbortSignal): OutboundFetchError {
  if (error instanceof OutboundFetchError) return error;
  const causes = error instanceof AggregateError ? error.errors : [error];
  if (causes.some((cause) => cause instanceof ForbiddenAddressError))
    return new OutboundFetchError('forbidden_address');
  if (signal.aborted) return new OutboundFetchError('timeout');
  return new OutboundFetchError('unreachable');
}

async function readJson(response: IncomingMessage, maxBytes: number): Promise<FetchedJson> {
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400) throw new OutboundFetchError('redirect');
  if (status !== 200) throw new OutboundFetchError('status');
  const type = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!JSON_TYPE.test(type)) throw new OutboundFetchError('not_json');
  if (Number(response.headers['content-length'] ?? 0) > maxBytes)
    throw new OutboundFetchError('too_large');
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw new OutboundFetchError('too_large');
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof OutboundFetchError) throw error;
    throw new OutboundFetchError(response.destroyed ? 'timeout' : 'unreachable');
  }
  try {
    return {
      value: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      cacheControl: response.headers['cache-control'],
    };
  } catch {
    throw new OutboundFetchError('not_json');
  }
}
