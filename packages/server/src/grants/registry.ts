import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import type { GrantHandler } from './grant-type.js';
import { refreshTokenGrant } from './refresh-token.js';

/** Grant types the token endpoint accepts; discovery advertises exactly these. */
export const grantRegistry: ReadonlyMap<string, GrantHandler> = new Map(
  [authorizationCodeGrant, refreshTokenGrant, clientCredentialsGrant].map((grant) => [
    grant.type,
    grant,
  ]),
);
