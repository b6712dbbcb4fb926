import type { Context } from 'hono';
import { generated } from '../accounts/generated.js';
import { parseClientMetadata } from '../clients/metadata/client-metadata.js';
import { sha256 } from '../crypto/digest.js';
import { hashSecret } from '../crypto/pbkdf2.js';
import { randomToken } from '../crypto/random.js';
import { oauthError } from '../errors.js';
import { bearerToken } from '../http/bearer.js';
import { jsonObjectBody } from '../http/json-body.js';
import { requestOf } from '../http/request-context.js';
import type { ServerContext } from '../server-context.js';
import { NO_STORE, registrationResponse, storedClient } from './registration-response.js';

/**
 * POST /register — Dynamic Client Registration (RFC 7591 §3). The client gets no owner: it is
 * public or uses private_key_jwt (client secrets only with CLIENT_REGISTRATION_SECRETS), its
 * redirect URIs follow the rules for owned clients, and housekeeping deletes it when it goes
 * unused. With CLIENT_REGISTRATION=token an initial access token is required (§3, spent in
 * the same database call that stores the client); with `off` the endpoint does not exist.
 */
export function registerEndpoint(ctx: ServerContext) {
  const { issuer, registration: settings, clientMetadata, pbkdf2Iterations } = ctx.config;
  return async (c: Context): Promise<Response> => {
    if (settings.mode === 'off') throw oauthError.notFound();
    const initialToken = bearerToken(c);
    if (settings.mode === 'token' && !initialToken)
      throw oauthError.invalidToken(
        'An initial access token is required to register.',
        issuer,
        initialToken !== undefined,
      );
    const registration = parseClientMetadata(await jsonObjectBody(c), {
      source: 'registration',
      allowSecrets: settings.allowSecrets,
      allowLoopbackHttp: clientMetadata.allowLoopbackHttp,
      defaultName: 'Unnamed application',
    });
    const clientId = generated.clientId();
    const secret = registration.authMethod.startsWith('client_secret_')
      ? generated.clientSecret()
      : undefined;
    const registrationToken = `aa_rat_${randomToken(32)}`;
    const result = await ctx.registrations.register({
      client: {
        ...storedClient(clientId, registration),
        secretHash: secret ? await hashSecret(secret, pbkdf2Iterations) : null,
      },
      registrationTokenHash: sha256(registrationToken),
      initialToken: {
        required: settings.mode === 'token',
        hash: initialToken ? sha256(initialToken) : null,
      },
    });
    if (result.outcome !== 'ok')
      throw oauthError.invalidToken(
        'The initial access token is invalid, expired or spent.',
        issuer,
        true,
      );
    ctx.security.record(
      {
        event: 'client.registered',
        outcome: 'success',
        actor: { type: 'anonymous' },
        target: { type: 'client', id: clientId },
        clientId,
        details: {
          method: registration.authMethod,
          grant_types: registration.grantTypes.join(' '),
        },
      },
      requestOf(c),
    );
    return c.json(
      {
        ...registrationResponse(issuer, result.registration),
        ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
        registration_access_token: registrationToken,
      },
      201,
      NO_STORE,
    );
  };
}
