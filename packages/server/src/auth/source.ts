import { isIPv6 } from 'node:net';
import type { RequestOrigin } from '../request-info.js';

/**
 * The source an authentication attempt is counted against (lockout, per identity AND source:
 * migrations/functions/03-lockout.sql). An IPv4 address is one source; an IPv6 address is
 * counted by its /64, the block one subscriber is usually given, so rotating addresses inside
 * it does not buy more attempts.
 */
export function sourceOf(ip: string | undefined): string {
  if (!ip || ip === 'unknown') return 'ip:unknown';
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4mapped) return `ip:${v4mapped[1]}`;
  if (!isIPv6(ip)) return `ip:${ip}`;
  return `ip6:${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(ip: string): string[] {
  const [head = '', tail] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array(missing).fill('0'), ...right].map(
    (group) => group.toLowerCase().replace(/^0+(?=.)/, '') || '0',
  );
}

/** The request's source. */
export function sourceOfRequest(request: RequestOrigin): string {
  return sourceOf(request?.ip);
}
