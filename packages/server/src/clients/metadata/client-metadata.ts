import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { oauthError } from '../../errors.js';
import { redirectUriProblem } from '../../oauth/redirect-uri.js';
import { publicKeySet } from './jwks.js';

export const AUTH_METHODS = [
  'none',
  'private_key_jwt',
  'client_secret_basic',
  'client_secret_post',
] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/** What the server stores of a client's metadata (RFC 7591 §2), validated. */
export interface ClientRegistration {
  name: string;
  redirectUris: string[];
  authMethod: AuthMethod;
  grantTypes: GrantType[];
  jwks: JSONWebKeySet | null;
  jwksUri: string | null;
}

export interface MetadataRules {
  /** 'registration': POST/PUT /register; 'document': a Client ID Metadata Document. */
  source: 'registration' | 'document';
  /** Dynamically registered clients may use a client secret (CLIENT_REGISTRATION_SECRETS). */
  allowSecrets: boolean;
  /** Development: a jwks_uri may be http on loopback. */
  allowLoopbackHttp: boolean;
  defaultName: string;
}

// Unknown members are ignored (RFC 7591 §2); these are the ones the server uses or refuses.
const schema = z.object({
  client_name: z.string().trim().min(1).max(200).optional(),
  redirect_uris: z.array(z.string()).max(20).optional(),
  token_endpoint_auth_method: z.string().optional(),
  grant_types: z.array(z.string()).min(1).max(5).optional(),
  response_types: z.array(z.string()).min(1).max(5).optional(),
  jwks: z.unknown().optional(),
  jwks_uri: z.string().max(2048).optional(),
  client_secret: z.unknown().optional(),
  client_secret_expires_at: z.unknown().optional(),
});

const bad = oauthError.invalidClientMetadata;

function authMethod(raw: string | undefined, rules: MetadataRules): AuthMethod {
  const byDefault =
    rules.source === 'registration' && rules.allowSecrets ? 'client_secret_basic' : 'none';
  const method = raw ?? byDefault;
  if (!(AUTH_METHODS as readonly string[]).includes(method))
    throw bad(`token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}.`);
  const secret = method.startsWith('client_secret_');
  // CIMD draft §"Credential and Key Material Restrictions": no shared secrets in a document.
  if (secret && rules.source === 'document')
    throw bad('A metadata document cannot use a client secret; use none or private_key_jwt.');
  if (secret && !rules.allowSecrets)
    throw bad('This server registers public clients (none) and private_key_jwt clients only.');
  return method as AuthMethod;
}

function grantTypes(raw: string[] | undefined, method: AuthMethod): GrantType[] {
  const requested = new Set(raw ?? ['authorization_code']);
  for (const grant of requested)
    if (!(GRANT_TYPES as readonly string[]).includes(grant))
      throw bad(`grant_types may hold only ${GRANT_TYPES.join(', ')}.`);
  // Every code exchange also issues a refresh token, so the registration says so.
  if (requested.has('authorization_code')) requested.add('refresh_token');
  // RFC 6749 §4.4: the client_credentials grant is for confidential clients only.
  if (requested.has('client_credentials') && method === 'none')
    throw bad('client_credentials needs a client that authenticates (not none).');
  return GRANT_TYPES.filter((grant) => requested.has(grant));
}

function redirectUris(raw: string[] | undefined, grants: GrantType[]): string[] {
  const uris = [...new Set(raw ?? [])];
  if (grants.includes('authorization_code') && uris.length === 0)
    throw oauthError.invalidRedirectUri('redirect_uris is required for authorization_code.');
  for (const uri of uris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw oauthError.invalidRedirectUri(`A redirect URI ${problem}.`);
  }
  return uris;
}

function keys(input: z.output<typeof schema>, method: AuthMethod, rules: MetadataRules) {
  if (method !== 'private_key_jwt') return { jwks: null, jwksUri: null };
  if ((input.jwks === undefined) === (input.jwks_uri === undefined))
    throw bad('private_key_jwt needs exactly one of jwks and jwks_uri.');
  if (input.jwks_uri !== undefined) {
    const url = URL.canParse(input.jwks_uri) ? new URL(input.jwks_uri) : undefined;
    const httpOk = rules.allowLoopbackHttp && url?.protocol === 'http:';
    if (!url || (url.protocol !== 'https:' && !httpOk) || url.username || url.password || url.hash)
      throw bad('jwks_uri must be an https URL without credentials or fragment.');
    return { jwks: null, jwksUri: url.href };
  }
  const set = publicKeySet(input.jwks);
  if (typeof set === 'string') throw bad(`jwks ${set}.`);
  return { jwks: set, jwksUri: null };
}

/**
 * Validates client metadata from a registration request or a metadata document and returns
 * what is stored. Throws invalid_client_metadata or invalid_redirect_uri (RFC 7591 §3.2.2)
 * naming the rule, never echoing a value.
 */
export function parseClientMetadata(raw: unknown, rules: MetadataRules): ClientRegistration {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'metadata';
    throw bad(`The client metadata field "${field}" is invalid.`);
  }
  const input = parsed.data;
  if (
    rules.source === 'document' &&
    (input.client_secret !== undefined || input.client_secret_expires_at !== undefined)
  )
    throw bad('A metadata document must not contain client_secret.');
  const method = authMethod(input.token_endpoint_auth_method, rules);
  const grants = grantTypes(input.grant_types, method);
  if (input.response_types?.some((type) => type !== 'code'))
    throw bad('response_types may hold only "code".');
  return {
    name: input.client_name ?? rules.defaultName,
    redirectUris: redirectUris(input.redirect_uris, grants),
    authMethod: method,
    grantTypes: grants,
    ...keys(input, method, rules),
  };
}
