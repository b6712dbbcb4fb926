import { z } from 'zod';
import { oauthError } from '../errors.js';
import { parseParams } from '../http/validate.js';
import { parseClientScope, resourceScopesOf } from '../oauth/scopes.js';
import { createClientGrant } from '../storage/client-grant-store.js';
import type { GrantHandler } from './grant-type.js';
import { clientTokenResponse } from './issue-tokens.js';
import { tokenResource } from './token-resource.js';

const schema = z.object({ scope: z.string().optional() });

/**
 * client_credentials grant (RFC 6749 §4.4): a confidential client that registered the grant
 * gets an access token for itself: `sub` is the client, there is no refresh token (§4.4.3).
 * Public clients and clients without the grant get unauthorized_client (§5.2).
 */
export const clientCredentialsGrant: GrantHandler = {
  type: 'client_credentials',
  async handle(ctx, client, params) {
    const resource = tokenResource(params);
    const resources = resource === undefined ? [] : [resource];
    const scope = parseClientScope(parseParams(schema, params).scope, resource !== undefined);
    const result = await client.run((proof) =>
      createClientGrant(ctx.db, ctx.principalStore, proof, {
        scope,
        ttlSeconds: ctx.config.accessTokenTtl,
        resources,
        resourceScopes: resourceScopesOf(scope),
      }),
    );
    ctx.security.record(
      {
        event: 'token.client_credentials',
        outcome: result.outcome === 'ok' ? 'success' : 'denied',
        actor: { type: 'client', id: client.clientId },
        target: { type: 'client', id: client.clientId },
        clientId: client.clientId,
        details: result.outcome === 'ok' ? {} : { reason: result.outcome },
      },
      client.request,
    );
    if (result.outcome === 'invalid_target')
      throw oauthError.invalidTarget('The resource is not a registered API.');
    if (result.outcome === 'invalid_scope')
      throw oauthError.invalidScope(
        'A requested scope is not defined by the API named as resource.',
      );
    if (result.outcome !== 'ok')
      throw oauthError.unauthorizedClient(
        'This client may not use client_credentials: it must authenticate and have registered the grant.',
      );
    return clientTokenResponse(ctx, client.clientId, {
      grantId: result.grantId,
      scope,
      audience: resources,
    });
  },
};
