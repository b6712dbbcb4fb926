import { describe, expect, it } from 'vitest';
import { cacheLifetimeSeconds } from '../src/clients/outbound/cache-lifetime.js';
import { ExpiringCache } from '../src/clients/outbound/expiring-cache.js';
import { addressAllowed } from '../src/clients/outbound/guarded-lookup.js';
import { ConfigError, loadConfig } from '../src/config/load.js';

// What the server's outbound fetches (metadata documents, JWKS) may reach, and for how long
// what they fetched is reused.
describe('special-use addresses are never fetched from', () => {
  it.each([
    ['unspecified', '0.0.0.0'],
    ['"this network"', '0.1.2.3'],
    ['private 10/8', '10.20.30.40'],
    ['carrier-grade NAT', '100.127.255.254'],
    ['loopback', '127.0.0.53'],
    ['link-local / cloud metadata', '169.254.169.254'],
    ['private 172.16/12', '172.31.0.1'],
    ['private 192.168/16', '192.168.0.10'],
    ['IETF assignments', '192.0.0.8'],
    ['benchmarking', '198.19.0.1'],
    ['documentation', '203.0.113.5'],
    ['multicast', '239.255.255.250'],
    ['broadcast', '255.255.255.255'],
    ['IPv6 unspecified', '::'],
    ['IPv6 loopback', '::1'],
    ['IPv4-mapped private', '::ffff:10.0.0.1'],
    ['IPv4-mapped loopback (hex form)', '::ffff:7f00:1'],
    ['IPv4-mapped public', '::ffff:8.8.8.8'],
    ['NAT64', '64:ff9b::a00:1'],
    ['unique local', 'fd12:3456::1'],
    ['link-local', 'fe80::1'],
    ['multicast', 'ff02::1'],
    ['6to4', '2002:a00:1::1'],
    ['Teredo', '2001:0:4136:e378::1'],
    ['documentation', '2001:db8::1'],
    ['not an address', 'localhost'],
  ])('refuses %s (%s)', (_label, address) => {
    expect(addressAllowed(address, false)).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:2800:220:1:248:1893:25c8:1946', '1.1.1.1'])(
    'allows the public address %s',
    (address) => {
      expect(addressAllowed(address, false)).toBe(true);
    },
  );

  it('allows loopback, and nothing else special, only in development mode', () => {
    expect(addressAllowed('127.0.0.1', true)).toBe(true);
    expect(addressAllowed('::1', true)).toBe(true);
    expect(addressAllowed('10.0.0.1', true)).toBe(false);
    expect(addressAllowed('169.254.169.254', true)).toBe(false);
  });

  it('is refused in production', () => {
    const production = {
      NODE_ENV: 'production',
      ISSUER: 'https://auth.example.com',
      KEY_ENCRYPTION_KEY: 'q7Zx2mP9vL4kR8tW1nB6yH3cJ5fD0gS_aE-uIoK',
      TRUST_PROXY: '1',
      CORS_ORIGINS: 'none',
    };
    expect(() => loadConfig(production)).not.toThrow();
    const loopback = { ...production, CLIENT_METADATA_ALLOW_LOOPBACK_HTTP: '1' };
    expect(() => loadConfig(loopback)).toThrow(ConfigError);
    expect(() => loadConfig(loopback)).toThrow(/CLIENT_METADATA_ALLOW_LOOPBACK_HTTP is set/);
  });
});

describe('cache lifetime of fetched documents', () => {
  const bounds = { minSeconds: 60, maxSeconds: 3600 };
  it.each([
    ['public, max-age=600', 600],
    ['max-age=5', 60],
    ['max-age=99999999', 3600],
    ['no-store', 60],
    ['no-cache, max-age=600', 60],
    [undefined, 60],
    ['max-age=nonsense', 60],
  ])('Cache-Control %s is reused for %d s', (header, seconds) => {
    expect(cacheLifetimeSeconds(header, bounds)).toBe(seconds);
  });

  it('keeps a bounded number of entries, dropping the least recently used', () => {
    const cache = new ExpiringCache<number>(2);
    cache.set('a', 1, 60);
    cache.set('b', 2, 60);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3, 60);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    cache.set('d', 4, 0);
    expect(cache.get('d')).toBeUndefined();
  });
});
