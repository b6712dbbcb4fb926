import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthorization } from './support/flow.js';
import { createSignInWorld, type SignInWorld } from './support/sign-in-world.js';

// /authorize is a page a browser is on: whatever refuses it (here the rate limit before the
// endpoint runs) is shown as the sign-in error page, with the same status and Retry-After.
let world: SignInWorld;

beforeAll(async () => {
  world = await createSignInWorld({ env: { RATE_LIMITS: 'authorize=1/1000' } });
});
afterAll(() => world.h.dispose());

describe('/authorize refused before the endpoint runs', () => {
  it('is the sign-in error page, not JSON', async () => {
    const first = await startAuthorization(world.h, world.client);
    expect(first.response.status).toBe(200);
    const { response: limited, html } = await startAuthorization(world.h, world.client);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.headers.get('content-type')).toMatch(/text\/html/);
    expect(limited.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(html).toContain('Too many sign-ins right now');
  });
});
