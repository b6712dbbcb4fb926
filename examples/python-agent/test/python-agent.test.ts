import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createAuthorizationUrl,
  discover,
  type WebsiteClient,
} from '../../../packages/sdk/src/website/index.js';
import { type StubServer, startStub } from '../../../packages/sdk/test/support/http.js';
import { CALLBACKS, PORTS } from '../../../packages/sdk/test/support/ports.js';

// Runs examples/python-agent/auth_agent.py (standard library only) against the real server.
const SCRIPT = fileURLToPath(new URL('../auth_agent.py', import.meta.url));
const server = inject('authAgent');
let website: WebsiteClient;
let evil: StubServer;
let evilHtml = '';

beforeAll(async () => {
  website = await discover({
    issuer: server.issuer,
    clientId: server.website.client_id,
    clientSecret: server.website.client_secret ?? undefined,
    redirectUri: CALLBACKS.agent,
  });
  evil = await startStub(PORTS.pythonEvil, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(evilHtml);
  });
});
afterAll(() => evil.close());

async function runPython(url: string, secret = server.agent.agent_secret) {
  const env = {
    ...process.env,
    AUTH_AGENT_ISSUER: server.issuer,
    AUTH_AGENT_ID: server.agent.agent_id,
    AUTH_AGENT_SECRET: secret,
    AGENT_MODEL: 'python-test-model',
  };
  const result = await promisify(execFile)('python3', [SCRIPT, url], { env }).catch(
    (error: { stdout: string; code: number }) => ({ stdout: error.stdout, code: error.code }),
  );
  return { output: JSON.parse(result.stdout) as Record<string, string>, result };
}

describe('the Python HTTP-level agent (auth_agent.py)', () => {
  it('signs in and the bound "browser" is sent back with code, state and iss', async () => {
    const { url, state } = await createAuthorizationUrl(website);
    const { output } = await runPython(url.href);
    const back = new URL(output.redirect_to ?? '');
    expect(back.origin + back.pathname).toBe(CALLBACKS.agent);
    expect(back.searchParams.get('state')).toBe(state);
    expect(back.searchParams.get('iss')).toBe(server.issuer);
  });

  it('refuses a sign-in page copied to another origin, sending nothing', async () => {
    const { url } = await createAuthorizationUrl(website);
    evilHtml = await (await fetch(url)).text();
    evil.requests.length = 0;
    const { output, result } = await runPython(`${evil.url}/authorize`);
    expect(output.error).toBe('untrusted_origin');
    expect('code' in result && result.code).toBe(1);
    expect(evil.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('reports a wrong secret as authentication_failed', async () => {
    const { url } = await createAuthorizationUrl(website);
    const { output } = await runPython(url.href, 'aa_sk_wrong-secret-for-python');
    expect(output.error).toBe('authentication_failed');
    expect(output.message).not.toContain('aa_sk_wrong');
  });
});
