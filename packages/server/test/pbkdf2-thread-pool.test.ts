import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveProof, hashSecret, PBKDF2_IN_FLIGHT } from '../src/crypto/pbkdf2.js';

// The lever: PBKDF2 on the thread pool, bounded so that a flood of wrong secrets
// cannot starve valid requests. Every access token is signed and verified by a WebCrypto
// job on the same pool; it must not wait behind a backlog of PBKDF2 work.
describe('PBKDF2 on the thread pool', () => {
  it('leaves a thread free for other work while a flood of wrong secrets is checked', async () => {
    expect(PBKDF2_IN_FLIGHT).toBe(3); // libuv's default pool of 4, minus the one kept free
    const stored = await hashSecret('the right secret', 200_000);
    const params = stored.slice(0, stored.lastIndexOf('$'));
    const expected = stored.slice(stored.lastIndexOf('$') + 1);
    const finished: string[] = [];
    const flood = Array.from({ length: 12 }, (_, i) =>
      deriveProof(`wrong secret ${i}`, params, 200_000).then((proof) => {
        finished.push(`pbkdf2 ${proof === expected}`);
      }),
    );
    const key = await webcrypto.subtle.importKey(
      'raw',
      new Uint8Array(32),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    // Queued after the whole flood: it still runs at once on the free thread.
    await webcrypto.subtle.sign('HMAC', key, new TextEncoder().encode('a token to sign'));
    finished.push('webcrypto');
    await Promise.all(flood);
    expect(finished[0]).toBe('webcrypto');
    expect(finished.slice(1)).toEqual(Array(12).fill('pbkdf2 false'));
  });
});
