import { type AddressInfo, connect } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, type ConsoleUser, signUp } from './support/console.js';
import { createHarness, type Harness } from './support/harness.js';

// Malformed input is the client's mistake: a clear 4xx, never a 500 and never an
// "unhandled error" in the log (docs/operations-runtime.md, "Bad input").
let h: Harness;
let user: ConsoleUser;

beforeAll(async () => {
  h = await createHarness();
  user = await signUp(h);
});
afterAll(() => h.dispose());

const NUL_BASIC = 'Basic JTAwOng='; // base64 of "%00:x": a client id that decodes to NUL

const unhandled = () => h.logs.filter((l) => /unhandled error|console error/.test(l));

function expectClientError(response: Response) {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
}

describe('NUL and out-of-range input', () => {
  it.each(['/token', '/introspect', '/revoke'])(
    'a NUL in the Basic client id at %s is invalid_client',
    async (path) => {
      const response = await h.request(path, {
        method: 'POST',
        headers: {
          authorization: NUL_BASIC,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials&token=x',
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'invalid_client' });
    },
  );

  it.each(['GET', 'DELETE', 'PUT'])(
    'a NUL client id in %s /register/:client_id is a 401',
    async (method) => {
      const response = await h.request('/register/%00', {
        method,
        headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
        ...(method === 'PUT' ? { body: '{}' } : {}),
      });
      expect(response.status).toBe(401);
    },
  );

  it('a NUL in the console log-in email is a 4xx', async () => {
    const browser = new ConsoleBrowser(h);
    await browser.get('/console/login');
    expectClientError(
      await browser.post('/console/login', { email: 'a\u0000@x.example', password: 'p' }),
    );
  });

  it('a NUL in the unlock form is a 4xx', async () => {
    await user.browser.get('/console/security');
    expectClientError(
      await user.browser.post('/console/security/unlock', { subject: 'agent', id: 'a\u0000b' }),
    );
  });

  it.each([
    'since=%00',
    'until=2024-01-01T00:00%00',
    'since=0000-01-01T00:00',
    'until=99999-12-31T23:59',
    'since=275760-09-13T00:00:00.001Z',
    'subject=%00',
    'ip=%00',
    'before=99999999999999999999',
  ])('the security-log filter %s is not a server error', async (query) => {
    for (const path of ['/console/security', '/console/security/events']) {
      const response = await user.browser.get(`${path}?${query}`);
      expect(response.status, path).toBeLessThan(500);
    }
  });

  it.each([
    '/console/websites/%00/delete',
    '/console/agents/%00/delete',
    '/console/apis/%00/delete',
    '/console/websites/%0d%0aX:%20y/rotate',
  ])('an unconfirmed destructive post to %s is not a server error', async (path) => {
    await user.browser.get('/console');
    const response = await user.browser.post(path, {});
    expect(response.status).toBeLessThan(500);
  });

  it('a NUL or line break before a trailing slash is not a server error', async () => {
    for (const path of ['/console/%00/', '/console/websites/%0d%0aSet-Cookie:%20x/']) {
      const response = await user.browser.get(path);
      expect(response.status, path).toBe(301);
      expect(response.headers.get('location'), path).toBe(path.slice(0, -1));
    }
  });

  it('none of these reached the error log', () => {
    expect(unhandled()).toEqual([]);
  });
});

describe('a body shorter than its Content-Length', () => {
  it('is answered (or dropped) without an unhandled error', async () => {
    const server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(
            'POST /token HTTP/1.1\r\nHost: auth.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant_type=x',
          );
          socket.end(); // the rest never comes
        });
        let data = '';
        socket.on('data', (d) => (data += d));
        socket.on('close', () => resolve(data));
        socket.on('error', () => resolve(data));
      });
      expect(answer).not.toMatch(/^HTTP\/1\.1 5/);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(unhandled()).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
