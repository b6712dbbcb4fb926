import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup } from './guarded-lookup.js';
import {
  addressRule,
  type FetchFailure,
  failure,
  ipLiteral,
  OutboundFetchError,
  type OutboundPolicy,
} from './outbound-fetch.js';

/** What a POST needs of the outbound policy; its deadline is the caller's, per attempt. */
export type PostPolicy = Omit<OutboundPolicy, 'timeoutMs'>;

/**
 * POSTs a JSON body to a URL an owner gave us (a sign-in notification webhook), under the
 * rules of every outbound request (outbound-fetch.ts): https only (http to loopback in
 * development), the host's addresses checked after resolution and pinned for the connection,
 * no redirect followed, the budget spent per host, one deadline. Resolves to the status;
 * the answer's body is never read. Rejects with an OutboundFetchError.
 */
export function guardedPost(policy: PostPolicy) {
  return async (
    url: string,
    body: string,
    headers: Record<string, string>,
    timeoutMs: number,
  ): Promise<number> => {
    const target = new URL(url);
    const allowed = addressRule(target, policy.allowLoopbackHttp);
    await policy.budget(target.hostname, undefined);
    const signal = AbortSignal.timeout(timeoutMs);
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(target, {
        method: 'POST',
        agent: false,
        signal,
        lookup: guardedLookup(policy.resolve, allowed),
        ...(policy.ca ? { ca: policy.ca } : {}),
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'auth-agent',
        },
      });
      req.once('response', (res) => {
        res.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.once('error', (error) => reject(failure(error, signal)));
      req.end(body);
    });
  };
}

/**
 * Why `url` may not be a webhook, checked when an owner saves it (delivery checks again, on
 * the addresses it connects to): its scheme, an IP literal, or a host that does not resolve
 * only to addresses the server may reach. undefined when it may.
 */
export async function postTargetProblem(
  policy: PostPolicy,
  url: URL,
): Promise<FetchFailure | undefined> {
  try {
    const allowed = addressRule(url, policy.allowLoopbackHttp);
    if (isIP(ipLiteral(url))) return undefined;
    const addresses = await policy.resolve(url.hostname);
    if (addresses.length === 0 || addresses.some((a) => !allowed(a.address)))
      return 'forbidden_address';
    return undefined;
  } catch (error) {
    return error instanceof OutboundFetchError ? error.reason : 'unreachable';
  }
}
