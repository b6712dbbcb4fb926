import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createResourceServer,
  type DPoPReplayStore,
  MemoryReplayStore,
} from '../src/resource-server/index.js';
import { accessTokenHash, craftProof, type RawDPoPKey, rawDPoPKey } from './support/dpop.js';
import {
  accessTokenClaims,
  type FakeIssuer,
  nowSeconds,
  startFakeIssuer,
} from './support/fake-issuer.js';

// DPoP proof replay (RFC 9449 §11.1): oauth4webapi leaves jti uniqueness to the caller,
// so the resource server records each proof in a store, pluggable for multi-process APIs.
const RESOURCE = 'https://api.example.com/mcp';
const URL_TOOLS = `${RESOURCE}/tools`;
let issuer: FakeIssuer;
let raw: RawDPoPKey;

beforeAll(async () => {
  issuer = await startFakeIssuer(['ES256']);
  await issuer.addKey('ES256', 'k1');
  raw = await rawDPoPKey();
});
afterAll(() => issuer.close());

const boundToken = () =>
  issuer.sign(accessTokenClaims(issuer.issuer, RESOURCE, { cnf: { jkt: raw.thumbprint } }), 'k1');
const rawProof = async (token: string, claims: Record<string, unknown>) =>
  craftProof(raw, {
    htm: 'GET',
    htu: URL_TOOLS,
    iat: nowSeconds(),
    ath: await accessTokenHash(token),
    ...claims,
  });

describe('replay stores', () => {
  it('uses a pluggable store, keyed by key thumbprint and jti', async () => {
    const seen: string[] = [];
    const store: DPoPReplayStore = {
      markUsed: (id) => {
        const fresh = !seen.includes(id);
        seen.push(id);
        return fresh;
      },
    };
    const custom = createResourceServer({
      issuer: issuer.issuer,
      resource: RESOURCE,
      replayStore: store,
    });
    const token = await boundToken();
    const proof = await rawProof(token, { jti: 'jti-1' });
    const request = () =>
      new Request(URL_TOOLS, { headers: { authorization: `DPoP ${token}`, dpop: proof } });
    await expect(custom.verify(request())).resolves.toBeTruthy();
    await expect(custom.verify(request())).rejects.toMatchObject({ code: 'invalid_dpop_proof' });
    expect(seen).toEqual([`${raw.thumbprint}:jti-1`, `${raw.thumbprint}:jti-1`]);
  });

  it('the memory store stays bounded and forgets expired ids', () => {
    const store = new MemoryReplayStore({ maxEntries: 2 });
    const inFiveMinutes = nowSeconds() + 300;
    expect(store.markUsed('a', inFiveMinutes)).toBe(true);
    expect(store.markUsed('a', inFiveMinutes)).toBe(false);
    expect(store.markUsed('b', inFiveMinutes)).toBe(true);
    expect(store.markUsed('c', inFiveMinutes)).toBe(true);
    expect(store.size).toBe(2);
    expect(store.markUsed('expired', nowSeconds() - 1)).toBe(true);
    expect(store.markUsed('expired', nowSeconds() + 300)).toBe(true);
  });
});
