import { describe, expect, it } from 'vitest';
import { clientSnippet } from '../src/console/views/snippets.js';

// The website page's snippet says what it is: a public client's is no server configuration.
describe('integration snippet heading', () => {
  const base = { issuer: 'http://auth.test', clientId: 'c1', redirectUri: 'http://localhost/cb' };

  it('calls a public client what it is, with no secret in it', () => {
    const text = clientSnippet({ ...base, clientSecret: null });
    const heading = text.split('\n')[0] ?? '';
    expect(heading).toMatch(/^# A public client/);
    expect(text).not.toMatch(/server-side/i);
    expect(text).not.toContain('CLIENT_SECRET');
  });

  it("heads a confidential client's snippet as its server's", () => {
    const text = clientSnippet({ ...base, clientSecret: 's3cret' });
    expect(text.split('\n')[0]).toMatch(/^# Your website's server/);
    expect(text).toContain("export AUTH_AGENT_CLIENT_SECRET='s3cret'");
  });
});
