import { describe, expect, it } from 'vitest';
import { randomId, randomToken } from '../src/crypto/random.js';

describe('random values from the pooled CSPRNG buffer', () => {
  it('are never repeated across many refills and have the requested size', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(randomToken(32));
    expect(seen.size).toBe(20_000);
    for (const token of seen) expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(randomId('req')).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('refuse fewer than 128 bits', () => {
    expect(() => randomToken(15)).toThrow(RangeError);
  });
});
