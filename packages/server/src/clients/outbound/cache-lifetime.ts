/**
 * How long a fetched document may be reused: its Cache-Control max-age (RFC 9111 §5.2.2.1),
 * or none for no-store / no-cache, kept within the server's bounds (CIMD draft, "Metadata
 * Caching": the server MAY set its own lower and upper bounds).
 */
export function cacheLifetimeSeconds(
  cacheControl: string | undefined,
  bounds: { minSeconds: number; maxSeconds: number },
): number {
  const directives = (cacheControl ?? '')
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  let wanted = bounds.minSeconds;
  if (!directives.some((d) => d === 'no-store' || d === 'no-cache')) {
    const maxAge = directives.find((d) => /^max-age=\d{1,10}$/.test(d));
    if (maxAge) wanted = Number(maxAge.slice('max-age='.length));
  }
  return Math.min(bounds.maxSeconds, Math.max(bounds.minSeconds, wanted));
}
