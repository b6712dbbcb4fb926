import { randomId, randomToken } from '../crypto/random.js';

/**
 * Identifiers and secrets the server makes for agents, websites and APIs. Secrets carry a
 * recognisable prefix (for secret scanners) and 256 random bits; public ids 128.
 */
/** An api_id starts api_: it tells /introspect that an API, not a client, authenticates. */
export const API_ID_PREFIX = 'api';
export const isApiId = (id: string) => id.startsWith(`${API_ID_PREFIX}_`);

export const generated = {
  agentId: () => randomId('agent'),
  clientId: () => randomId('client'),
  apiId: () => randomId(API_ID_PREFIX),
  agentSecret: () => `aa_sk_${randomToken(32)}`,
  clientSecret: () => `aa_cs_${randomToken(32)}`,
  apiSecret: () => `aa_as_${randomToken(32)}`,
};
