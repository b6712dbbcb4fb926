import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth } from './support/flow.js';
import type { ClientFixture, Harness } from './support/harness.js';
import { createTokenWorld, expectTokenError } from './support/token-world.js';

// Requests to POST /token that are not OAuth token requests at all.
let h: Harness;
let client: ClientFixture;

beforeAll(async () => {
  ({ h, client } = await createTokenWorld());
});
afterAll(() => h.dispose());

describe('POST /token bad input', () => {
  it.each([
    [
      'no grant_type',
      { body: 'code=x', type: 'application/x-www-form-urlencoded' },
      400,
      'invalid_request',
    ],
    [
      'an unknown grant_type',
      { body: 'grant_type=password', type: 'application/x-www-form-urlencoded' },
      400,
      'unsupported_grant_type',
    ],
    [
      'a repeated parameter',
      {
        body: 'grant_type=refresh_token&grant_type=refresh_token',
        type: 'application/x-www-form-urlencoded',
      },
      400,
      'invalid_request',
    ],
    [
      'text/plain',
      { body: 'grant_type=refresh_token', type: 'text/plain' },
      415,
      'unsupported_media_type',
    ],
    ['broken JSON', { body: '{"grant_type":', type: 'application/json' }, 400, 'invalid_request'],
    [
      'a JSON number',
      { body: '{"grant_type":5}', type: 'application/json' },
      400,
      'invalid_request',
    ],
    [
      'SQL metacharacters',
      {
        body: "grant_type=refresh_token&refresh_token='+OR+1=1--",
        type: 'application/x-www-form-urlencoded',
      },
      400,
      'invalid_grant',
    ],
    [
      'unicode',
      {
        body: `grant_type=refresh_token&refresh_token=${encodeURIComponent('🔑токен')}`,
        type: 'application/x-www-form-urlencoded',
      },
      400,
      'invalid_grant',
    ],
    [
      'an oversized parameter',
      {
        body: `grant_type=refresh_token&refresh_token=${'a'.repeat(5000)}`,
        type: 'application/x-www-form-urlencoded',
      },
      400,
      'invalid_request',
    ],
  ])('answers %s with a 4xx OAuth error', async (_name, input, status, error) => {
    const response = await h.request('/token', {
      method: 'POST',
      headers: { authorization: basicAuth(client), 'content-type': input.type },
      body: input.body,
    });
    await expectTokenError(response, status, error);
  });

  it('answers GET with 405', async () => {
    expect((await h.request('/token')).status).toBe(405);
  });
});
