import { randomId, randomToken } from '../crypto/random.js';

/**
 * Identifiers and secrets the server makes for agents, websites and APIs. Secrets carry a
 * recognisable prefix (for secret scanners) and 256 random bits; public ids 128.
 */
export const generated = {
  agentId: () => randomId('agent'),
  clientId: () => randomId('client'),
  /** The api_ prefix tells /introspect that an API, not a client, authenticates. */
  apiId: () => randomId('api'),
  agentSecret: () => `aa_sk_${randomToken(32)}`,
  clientSecret: () => `aa_cs_${randomToken(32)}`,
  apiSecret: () => `aa_as_${randomToken(32)}`,
};
