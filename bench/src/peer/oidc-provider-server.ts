/**
 * The peer: panva's oidc-provider configured as close to Auth Agent as it allows, run as
 * its own process. Started by peer/peer.ts; prints one JSON line with ready-made tokens.
 *
 * - one confidential client, client_secret_basic;
 * - refresh tokens rotated on every use (reuse of a spent one revokes the grant);
 * - introspection enabled, answering only for the caller's own tokens, as ours does;
 * - the built-in memory adapter.
 *
 * Tokens are minted through its model API rather than through an interactive login: the
 * refresh and introspection endpoints do the same work for them either way. The memory
 * adapter's store is an LRU of 1,000 entries by default, which a load test overruns within
 * a second (tokens and grants get evicted and refreshes fail), so its own MemoryAdapter class
 * is given its own LRU class with room for every token the bench makes.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';

const port = Number(process.env.PEER_PORT);
const clientId = process.env.PEER_CLIENT_ID ?? 'bench-client';
const clientSecret = process.env.PEER_CLIENT_SECRET ?? '';
const tokenCount = Number(process.env.PEER_TOKENS ?? '32');

const store = new LRU({ maxSize: 20_000_000 });
// Without `openid` neither server issues an ID token on refresh, so both do the same work.
const SCOPE = 'email profile';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'ES256', kid: 'k1' };

const provider = new Provider('https://peer.bench.example', {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: ['https://app.bench.example/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  adapter: (model: string) => new MemoryAdapter(model, store),
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    introspection: {
      enabled: true,
      allowedPolicy: (_ctx: unknown, client: { clientId: string }, token: { clientId: string }) =>
        client.clientId === token.clientId,
    },
  },
  rotateRefreshToken: true,
  scopes: ['openid', 'offline_access', 'email', 'profile'],
  claims: { email: ['email', 'email_verified'], profile: ['name'] },
  ttl: { AccessToken: 3600, RefreshToken: 30 * 86_400, Grant: 30 * 86_400 },
  findAccount: async (_ctx: unknown, sub: string) => ({
    accountId: sub,
    claims: async () => ({ sub, email: `${sub}@example.com`, email_verified: true }),
  }),
});

const client = await provider.Client.find(clientId);
if (!client) throw new Error('peer client missing');
const refresh: string[] = [];
const access: string[] = [];
for (let i = 0; i < tokenCount; i++) {
  const accountId = `agent_${i}`;
  const grant = new provider.Grant({ accountId, clientId });
  grant.addOIDCScope(SCOPE);
  const grantId = await grant.save();
  const init = { accountId, client, grantId, scope: SCOPE, gty: 'authorization_code' };
  refresh.push(await new provider.RefreshToken(init).save());
  access.push(await new provider.AccessToken(init).save());
}

const server = createServer(provider.callback());
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, refresh, access })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
