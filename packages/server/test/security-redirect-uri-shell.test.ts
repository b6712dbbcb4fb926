import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentSnippet, clientSnippet } from '../src/console/views/snippets.js';
import { HOOK_TIMEOUT } from './security-helpers.js';
import { signUp } from './support/console.js';
import { createHarness, type Harness } from './support/harness.js';

// Finding 7 of the abuse review: a redirect URI with quotes and `$()` was accepted and then
// shown inside single quotes in the curl snippet of the secret-rotation page, where pasting
// it ran another command. Now only RFC 3986 characters are accepted (less ' and $), and every
// value in a snippet is one properly quoted shell word whatever it contains.
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

const marker = () => join(tmpdir(), `pwned-${randomBytes(6).toString('hex')}`);

function hostileUris(file: string): string[] {
  return [
    `https://example.com/cb?x=$(touch ${file})`,
    `https://example.com/cb?'; touch ${file}; '`,
    `https://example.com/cb?x=\`touch ${file}\``,
    "https://example.com/cb?'; rm -rf /; '",
    'https://example.com/c b',
    'https://example.com/cb?q="x"',
    'https://example.com/cb?<script>',
    'https://example.com/cb?x=$HOME',
    'https://example.com/cb?x=%zz',
  ];
}

/**
 * Runs a snippet in a POSIX shell with curl replaced by a function that prints its
 * arguments, one per line, as a pasted snippet would hand them to curl.
 */
function runSnippet(snippet: string): string[] {
  const script = `curl() { for a in "$@"; do printf '%s\\n' "$a"; done; }\nCODE=c CODE_VERIFIER=v\n${snippet}\n`;
  const result = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', cwd: tmpdir() });
  return result.stdout.split('\n');
}

describe('redirect URIs', () => {
  it('refuses shell and markup characters when a website is registered in the console', async () => {
    const user = await signUp(h);
    const file = marker();
    for (const uri of hostileUris(file)) {
      await user.browser.get('/console/websites/new');
      const response = await user.browser.post('/console/websites', {
        name: 'Hostile',
        redirect_uris: uri,
        type: 'confidential',
      });
      expect(response.status, uri).toBe(400);
      expect(user.browser.lastHtml, uri).toMatch(/may contain only letters, digits/);
    }
    expect(existsSync(file)).toBe(false);
  });

  it('refuses them from the CLI too, and still takes %XX and the other RFC 3986 delimiters', async () => {
    const owner = await h.createUser();
    const uri = 'https://example.com/cb/%7Euser?a=1&b=(2);c=%20x,y+z!@w:1';
    const client = await h.createClient(owner.email, { redirectUris: [uri] });
    expect(client.redirect_uris).toEqual([uri]);
    for (const bad of hostileUris(marker()))
      await expect(h.createClient(owner.email, { redirectUris: [bad] }), bad).rejects.toThrow(
        /may contain only letters, digits/,
      );
  });
});

describe('console snippets', () => {
  it('hand every value to the shell as one word, whatever it contains', () => {
    const file = marker();
    const redirectUri = `https://example.com/cb?'; touch ${file}; echo '$(touch ${file})\``;
    const issuer = `http://auth.test/'"$(touch ${file})`;
    const args = runSnippet(
      clientSnippet({ issuer, clientId: "id'x", clientSecret: "s'$(touch x)", redirectUri }),
    );
    const created = existsSync(file);
    rmSync(file, { force: true });
    expect(created).toBe(false);
    expect(args).toContain(`redirect_uri=${redirectUri}`);
    expect(args).toContain(`${issuer}/token`);
    expect(args).toContain(`id'x:s'$(touch x)`);
  });

  it('quote the agent snippet the same way', () => {
    const file = marker();
    const args = runSnippet(
      agentSnippet(`http://a'$(touch ${file})`, "ag'1", `se'$(touch ${file})`),
    );
    expect(existsSync(file)).toBe(false);
    expect(args.join('\n')).toContain(`http://a'$(touch ${file})/api/agent/authenticate`);
    expect(args.join('\n')).toContain(`"agent_id":"ag'1"`);
  });
});
