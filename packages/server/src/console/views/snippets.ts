/**
 * Ready-to-run snippets shown next to one-time secrets. They are plain text rendered
 * through the escaping `html` template, so nothing in them can become markup, and every
 * value in them is a single-quoted shell word (shellQuote), so nothing can become a command.
 */

/**
 * One shell word for any value: POSIX single quotes take everything literally except a
 * single quote, which ends the word, so each is written as '\'' (close, escaped quote, open).
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

export function agentSnippet(issuer: string, agentId: string, agentSecret: string): string {
  return `# Keep these in your agent's secret store, not in code.
export AUTH_AGENT_ISSUER=${shellQuote(issuer)}
export AUTH_AGENT_ID=${shellQuote(agentId)}
export AUTH_AGENT_SECRET=${shellQuote(agentSecret)}

# When a website sends your agent to the Auth Agent sign-in page, read the request id
# from the page (<meta name="auth-agent-request-id">) and answer it:
REQUEST_ID='paste-the-request-id-here'
curl -sS "$AUTH_AGENT_ISSUER/api/agent/authenticate" \\
  -H 'content-type: application/json' \\
  -d "{\\"request_id\\":\\"$REQUEST_ID\\",\\"agent_id\\":\\"$AUTH_AGENT_ID\\",\\"agent_secret\\":\\"$AUTH_AGENT_SECRET\\",\\"model\\":\\"your-model-name\\"}"`;
}

export function clientSnippet(input: {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  redirectUri: string;
}): string {
  const { issuer, clientId, clientSecret, redirectUri } = input;
  const auth = clientSecret
    ? `  -u "$AUTH_AGENT_CLIENT_ID:$AUTH_AGENT_CLIENT_SECRET" \\`
    : `  -d client_id="$AUTH_AGENT_CLIENT_ID" \\`;
  const heading = clientSecret
    ? "# Your website's server: its Auth Agent settings and the sign-in (authorization code + PKCE)."
    : '# A public client (browser, mobile or desktop app): its settings and the sign-in\n# (authorization code + PKCE). It holds no secret, so nothing here is confidential.';
  return `${heading}
export AUTH_AGENT_ISSUER=${shellQuote(issuer)}
export AUTH_AGENT_CLIENT_ID=${shellQuote(clientId)}
${clientSecret ? `export AUTH_AGENT_CLIENT_SECRET=${shellQuote(clientSecret)}\n` : '# Public client: no secret; PKCE protects the code exchange.\n'}
# 1. "Sign in with Auth Agent" sends the browser to (PKCE S256 and state are required):
#    $AUTH_AGENT_ISSUER/authorize?response_type=code&client_id=$AUTH_AGENT_CLIENT_ID
#      &redirect_uri=${encodeURIComponent(redirectUri)}&scope=openid%20profile%20email
#      &state=RANDOM_STATE&code_challenge=BASE64URL_SHA256_OF_VERIFIER&code_challenge_method=S256
# 2. Your callback receives ?code=...&state=...&iss=...; check state and iss, then:
curl -sS "$AUTH_AGENT_ISSUER/token" \\
${auth}
  -d grant_type=authorization_code -d code="$CODE" \\
  -d redirect_uri=${shellQuote(redirectUri)} -d code_verifier="$CODE_VERIFIER"
# 3. Who signed in: curl -H "Authorization: Bearer $ACCESS_TOKEN" "$AUTH_AGENT_ISSUER/userinfo"
# Discovery: $AUTH_AGENT_ISSUER/.well-known/oauth-authorization-server`;
}
