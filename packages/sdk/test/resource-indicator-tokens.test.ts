import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createResourceServer, ResourceServerError } from '../src/resource-server/index.js';
import { discover, type WebsiteClient } from '../src/website/index.js';
import { CALLBACKS } from './support/ports.js';
import { type ServedHandler, serveFetch } from './support/serve-fetch.js';
import { optionsFor, tokensFor } from './support/sign-in.js';

// RFC 8707 with the real server: a token asked for with `resource` = an API's identifier is
// accepted by a resource server whose `audience` is that identifier, and refused by one
// configured for another API (and so is a token without resource).
const server = inject('authAgent');
let website: WebsiteClient;
let served: ServedHandler;

beforeAll(async () => {
  website = await discover(optionsFor(server, server.website, CALLBACKS.website));
  served = await serveFetch();
});
afterAll(() => served.close());

function apiFor(identifier: string) {
  return createResourceServer({
    issuer: server.issuer,
    resource: `${served.origin}/api`,
    audience: identifier,
  });
}

async function verifyWith(identifier: string, accessToken: string) {
  const request = new Request(`${served.origin}/api/items`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return apiFor(identifier)
    .verify(request)
    .catch((error: unknown) => error);
}

describe('resource-server verification of tokens for an API (RFC 8707)', () => {
  it('accepts a token minted for its identifier and refuses one for another resource', async () => {
    const { orders, billing } = server.apis;
    const forOrders = await tokensFor(server, website, undefined, {
      extraParams: { resource: orders },
    });
    expect(decodeJwt(forOrders.accessToken).aud).toBe(orders);
    expect(await verifyWith(orders, forOrders.accessToken)).toMatchObject({
      agentId: server.agent.agent_id,
      clientId: server.website.client_id,
      verifiedBy: 'jwks',
    });
    const refused = await verifyWith(billing, forOrders.accessToken);
    expect(refused).toBeInstanceOf(ResourceServerError);
    expect((refused as ResourceServerError).code).toBe('invalid_token');

    const forBilling = await tokensFor(server, website, undefined, {
      extraParams: { resource: billing },
    });
    expect(await verifyWith(billing, forBilling.accessToken)).toMatchObject({
      verifiedBy: 'jwks',
    });
    expect(await verifyWith(orders, forBilling.accessToken)).toBeInstanceOf(ResourceServerError);
    // Without resource the token is the website's (aud = client_id): no API accepts it.
    const plain = await tokensFor(server, website);
    expect(await verifyWith(orders, plain.accessToken)).toBeInstanceOf(ResourceServerError);
  });
});
