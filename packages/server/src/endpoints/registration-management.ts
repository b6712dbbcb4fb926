import type { Context } from 'hono';
import { parseClientMetadata } from '../clients/metadata/client-metadata.js';
import { sha256 } from '../crypto/digest.js';
import { oauthError } from '../errors.js';
import { bearerToken } from '../http/bearer.js';
import { clientIdShaped } from '../http/client-credentials.js';
import { jsonObjectBody } from '../http/json-body.js';
import { requestOf } from '../http/request-context.js';
import type { RequestOrigin } from '../request-info.js';
import type { SecurityEventName } from '../security/events.js';
import type { ServerContext } from '../server-context.js';
import { NO_STORE, registrationResponse, storedClient } from './registration-response.js';

/**
 * GET, PUT and DELETE /register/:client_id — RFC 7592, authorized by the registration access
 * token issued at registration (only its hash is stored). An unknown client, a wrong token
 * and a client an owner has claimed are answered alike: 401 (§2.1).
 */
export function registrationManagementEndpoint(ctx: ServerContext) {
  const { issuer } = ctx.config;
  const refused = (sent: boolean) =>
    oauthError.invalidToken('The registration access token is invalid.', issuer, sent);
  const record = (event: SecurityEventName, clientId: string, request: RequestOrigin) =>
    ctx.security.record(
      {
        event,
        outcome: 'success',
        actor: { type: 'client', id: clientId },
        target: { type: 'client', id: clientId },
        clientId,
      },
      request,
    );

  return async (c: Context): Promise<Response> => {
    const token = bearerToken(c);
    if (!token) throw refused(token !== undefined);
    const clientId = c.req.param('client_id') ?? '';
    // A path no client_id can have (a NUL, say) names no client: answered like an unknown one.
    if (!clientIdShaped(clientId)) throw refused(true);
    const tokenHash = sha256(token);
    if (c.req.method === 'GET') {
      const found = await ctx.registrations.read(clientId, tokenHash);
      if (!found) throw refused(true);
      return c.json(registrationResponse(issuer, found), 200, NO_STORE);
    }
    if (c.req.method === 'DELETE') {
      if (!(await ctx.registrations.delete(clientId, tokenHash))) throw refused(true);
      record('client.registration_deleted', clientId, requestOf(c));
      return c.body(null, 204, NO_STORE);
    }
    const body = await jsonObjectBody(c);
    // RFC 7592 §2.2: the body names the client; a secret cannot be sent or changed here.
    if (body.client_id !== clientId)
      throw oauthError.invalidRequest('client_id in the body must be the client being updated.');
    if (body.client_secret !== undefined)
      throw oauthError.invalidClientMetadata('client_secret cannot be sent or changed here.');
    const registration = parseClientMetadata(body, {
      source: 'registration',
      allowSecrets: ctx.config.registration.allowSecrets,
      allowLoopbackHttp: ctx.config.clientMetadata.allowLoopbackHttp,
      defaultName: 'Unnamed application',
    });
    const updated = await ctx.registrations.update(
      clientId,
      tokenHash,
      storedClient(clientId, registration),
    );
    if (updated.outcome === 'method_changed')
      throw oauthError.invalidClientMetadata('token_endpoint_auth_method cannot change.');
    if (updated.outcome !== 'ok') throw refused(true);
    record('client.registration_updated', clientId, requestOf(c));
    return c.json(registrationResponse(issuer, updated.registration), 200, NO_STORE);
  };
}
