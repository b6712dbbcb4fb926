import type { ClientMetadataSettings } from '../../config/client-settings.js';
import { OAuthError } from '../../errors.js';
import type { RequestOrigin } from '../../request-info.js';
import type { SecurityEventInput } from '../../security/events.js';
import type { RegistrationStore } from '../../storage/registration-store.js';
import { cacheLifetimeSeconds } from '../outbound/cache-lifetime.js';
import { ExpiringCache } from '../outbound/expiring-cache.js';
import { OutboundFetchError, type OutboundFetcher } from '../outbound/outbound-fetch.js';
import { clientIdUrlProblem } from './client-id-url.js';
import { type ClientRegistration, parseClientMetadata } from './client-metadata.js';

/** CIMD draft §"Maximum Response Size": the recommended 5 kilobytes. */
export const MAX_DOCUMENT_BYTES = 5 * 1024;
const MAX_CACHED_DOCUMENTS = 1_000;

/** Why a client_id URL cannot be used; `message` is safe to show the caller. */
export class ClientMetadataError extends Error {
  override readonly name = 'ClientMetadataError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DocumentDeps {
  settings: ClientMetadataSettings;
  fetcher: OutboundFetcher;
  store: RegistrationStore;
  record: (event: SecurityEventInput, request: RequestOrigin) => void;
}

/**
 * Clients identified by an https URL (draft-ietf-oauth-client-id-metadata-document): the
 * document at the URL is fetched (outbound-fetch.ts: no private addresses, no redirects,
 * 5 KiB, one deadline, rate limits), must name that very URL as its client_id, is validated
 * like a registration, and is stored as an ownerless client, so the rest of the server
 * (redirect-URI checks, grants, revocation) treats it like any other. Valid documents are
 * reused for their Cache-Control lifetime within CLIENT_METADATA_CACHE_MIN/MAX; errors and
 * invalid documents are never cached (draft §"Metadata Caching").
 */
export class ClientMetadataDocuments {
  private readonly cache = new ExpiringCache<ClientRegistration>(MAX_CACHED_DOCUMENTS);
  private readonly inFlight = new Map<string, Promise<ClientRegistration>>();

  constructor(private readonly deps: DocumentDeps) {}

  /** The client the URL names, fresh enough; throws ClientMetadataError, or 429. */
  async resolve(clientId: string, request: RequestOrigin): Promise<ClientRegistration> {
    const { settings } = this.deps;
    if (!settings.enabled)
      throw new ClientMetadataError('disabled', 'This server does not accept URLs as client_id.');
    const problem = clientIdUrlProblem(clientId, settings.allowLoopbackHttp);
    if (problem) throw new ClientMetadataError('invalid_url', `The client_id URL ${problem}.`);
    const cached = this.cache.get(clientId);
    if (cached) return cached;
    let pending = this.inFlight.get(clientId);
    if (!pending) {
      pending = this.fetchAndStore(clientId, request).finally(() => this.inFlight.delete(clientId));
      this.inFlight.set(clientId, pending);
    }
    return pending;
  }

  private async fetchAndStore(
    clientId: string,
    request: RequestOrigin,
  ): Promise<ClientRegistration> {
    const url = new URL(clientId);
    try {
      const fetched = await this.deps.fetcher.fetchJson(url, MAX_DOCUMENT_BYTES, request);
      const registration = this.validate(clientId, url, fetched.value, request);
      const stored = await this.deps.store.upsertFromDocument({
        clientId,
        secretHash: null,
        ...registration,
      });
      if (stored !== 'ok') throw this.refuse(clientId, 'conflict', 'names another client', request);
      this.cache.set(
        clientId,
        registration,
        cacheLifetimeSeconds(fetched.cacheControl, {
          minSeconds: this.deps.settings.cacheMinSeconds,
          maxSeconds: this.deps.settings.cacheMaxSeconds,
        }),
      );
      return registration;
    } catch (error) {
      if (error instanceof OutboundFetchError)
        throw this.refuse(clientId, error.reason, error.message, request);
      throw error;
    }
  }

  private validate(
    clientId: string,
    url: URL,
    value: unknown,
    request: RequestOrigin,
  ): ClientRegistration {
    const named =
      typeof value === 'object' && value !== null
        ? (value as { client_id?: unknown }).client_id
        : undefined;
    // Simple string comparison (draft §"Client ID Metadata Document"), no normalisation.
    if (named !== clientId)
      throw this.refuse(
        clientId,
        'client_id_mismatch',
        'does not name this URL as its client_id',
        request,
      );
    try {
      return parseClientMetadata(value, {
        source: 'document',
        allowSecrets: false,
        allowLoopbackHttp: this.deps.settings.allowLoopbackHttp,
        defaultName: url.host,
      });
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      throw this.refuse(clientId, 'invalid_metadata', `is invalid: ${error.description}`, request);
    }
  }

  private refuse(
    clientId: string,
    reason: string,
    what: string,
    request: RequestOrigin,
  ): ClientMetadataError {
    this.deps.record(
      {
        event: 'client.metadata_rejected',
        outcome: 'denied',
        target: { type: 'client', id: clientId },
        details: { reason },
      },
      request,
    );
    return new ClientMetadataError(reason, `The client's metadata document ${what}.`);
  }
}
