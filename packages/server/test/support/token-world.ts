import { expect } from 'vitest';
import { type ClientFixture, REDIRECT_URI } from './harness.js';
import { createSignInWorld, type SignInWorld } from './sign-in-world.js';

/** What the POST /token tests start from: a sign-in world, a second website and a public one. */
export interface TokenWorld extends SignInWorld {
  otherClient: ClientFixture;
  publicClient: ClientFixture;
}

export async function createTokenWorld(): Promise<TokenWorld> {
  const world = await createSignInWorld();
  const otherClient = await world.h.createClient(world.owner.email, { name: 'Other Website' });
  const publicClient = await world.h.createClient(world.owner.email, {
    public: true,
    name: 'Public SPA',
  });
  return { ...world, otherClient, publicClient };
}

/** The parameters of an authorization_code exchange, and any others. */
export function codeParams(code: string, verifier: string, extra: Record<string, string> = {}) {
  return {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    ...extra,
  };
}

/** An OAuth error answer of /token: the status, never cached, the error and a description. */
export async function expectTokenError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(await response.json()).toMatchObject({ error, error_description: expect.any(String) });
}
