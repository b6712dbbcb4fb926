import type { ClientRegistration } from '../clients/metadata/client-metadata.js';
import type { RegistrationRecord, StoredClient } from '../storage/registration-store.js';

export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

/** RFC 7592 §3: where the client reads, updates and deletes its registration. */
export function registrationClientUri(issuer: string, clientId: string): string {
  return `${issuer}/register/${encodeURIComponent(clientId)}`;
}

/** What is stored of a validated registration (no secret here: see register.ts). */
export function storedClient(clientId: string, registration: ClientRegistration): StoredClient {
  return { clientId, secretHash: null, ...registration };
}

/**
 * The client information response (RFC 7591 §3.2.1, RFC 7592 §3): every registered
 * metadata value, including response_types, and the management URI.
 */
export function registrationResponse(issuer: string, record: RegistrationRecord) {
  return {
    ...record,
    ...(record.grant_types.includes('authorization_code') ? { response_types: ['code'] } : {}),
    registration_client_uri: registrationClientUri(issuer, record.client_id),
  };
}
