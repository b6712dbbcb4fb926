import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createResourceServer, type ResourceServer } from '../src/resource-server/index.js';
import { accessTokenClaims, type FakeIssuer, startFakeIssuer } from './support/fake-issuer.js';

// Key rotation without a restart. oauth4webapi caches the JWKS per metadata object: an
// unknown kid refetches it once the cache is a minute old, and a cache older than five
// minutes is refetched, so a withdrawn key stops verifying. The clock is moved with a
// Date.now spy (oauth4webapi and jose both read it).
const RESOURCE = 'https://api.example.com/rotation';
let issuer: FakeIssuer;
let api: ResourceServer;
let offsetMs = 0;

beforeAll(async () => {
  issuer = await startFakeIssuer(['ES256']);
  await issuer.addKey('ES256', 'old');
  await issuer.addKey('ES256', 'new', false);
  api = createResourceServer({ issuer: issuer.issuer, resource: RESOURCE });
  const realNow = Date.now.bind(Date);
  vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await issuer.close();
});

const later = (seconds: number) => {
  offsetMs += seconds * 1000;
};
const verify = async (kid: string) =>
  api.verify(
    new Request(RESOURCE, {
      headers: {
        authorization: `Bearer ${await issuer.sign(accessTokenClaims(issuer.issuer, RESOURCE), kid)}`,
      },
    }),
  );

describe('JWKS rotation', () => {
  it('verifies with the published key and caches the JWKS', async () => {
    await expect(verify('old')).resolves.toBeTruthy();
    await expect(verify('old')).resolves.toBeTruthy();
    expect(issuer.jwksRequests).toBe(1);
  });

  it('refuses a kid it does not know without refetching within a minute (no fetch storm)', async () => {
    await expect(verify('new')).rejects.toMatchObject({ code: 'invalid_token' });
    await expect(verify('new')).rejects.toMatchObject({ code: 'invalid_token' });
    expect(issuer.jwksRequests).toBe(1);
  });

  it('verifies a token of a newly published key after the refresh, without a restart', async () => {
    issuer.publish('new');
    later(61);
    await expect(verify('new')).resolves.toMatchObject({ agentId: 'agent_test' });
    expect(issuer.jwksRequests).toBe(2);
    await expect(verify('old')).resolves.toBeTruthy();
  });

  it('stops verifying a withdrawn key once the cached JWKS is refreshed', async () => {
    issuer.withdraw('old');
    later(301);
    await expect(verify('old')).rejects.toMatchObject({ code: 'invalid_token' });
    expect(issuer.jwksRequests).toBe(3);
    await expect(verify('new')).resolves.toBeTruthy();
  });
});
