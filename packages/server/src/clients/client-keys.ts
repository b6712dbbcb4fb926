import type { JSONWebKeySet } from 'jose';
import type { ClientMetadataSettings } from '../config/client-settings.js';
import type { RequestOrigin } from '../request-info.js';
import type { RegistrationStore } from '../storage/registration-store.js';
import { isClientIdUrl } from './metadata/client-id-url.js';
import { publicKeySet } from './metadata/jwks.js';
import type { ClientMetadataDocuments } from './metadata/metadata-documents.js';
import { cacheLifetimeSeconds } from './outbound/cache-lifetime.js';
import { ExpiringCache } from './outbound/expiring-cache.js';
import type { OutboundFetcher } from './outbound/outbound-fetch.js';

const MAX_JWKS_BYTES = 16 * 1024;
const MAX_CACHED_SETS = 1_000;

/**
 * The public keys a private_key_jwt client signs its assertions with (RFC 7523 §2.2): inline
 * (`jwks`) or at its `jwks_uri`, as registered (RFC 7591) or as its metadata document says.
 * A jwks_uri is fetched like a metadata document (no private addresses, no redirects, size
 * cap, deadline, rate limits) and reused within the same cache bounds.
 */
export class ClientKeys {
  private readonly remote = new ExpiringCache<JSONWebKeySet>(MAX_CACHED_SETS);

  constructor(
    private readonly deps: {
      settings: ClientMetadataSettings;
      store: RegistrationStore;
      documents: ClientMetadataDocuments;
      fetcher: OutboundFetcher;
    },
  ) {}

  /**
   * The key set, or undefined when the client is unknown or does not use private_key_jwt.
   * `fresh` re-fetches a jwks_uri (the client may have rotated its keys).
   */
  async keySet(
    clientId: string,
    request: RequestOrigin,
    fresh = false,
  ): Promise<JSONWebKeySet | undefined> {
    const registered = await this.registered(clientId, request);
    if (!registered) return undefined;
    if (registered.jwks) {
      const set = publicKeySet(registered.jwks);
      return typeof set === 'string' ? undefined : set;
    }
    return registered.jwksUri ? this.fetched(registered.jwksUri, fresh, request) : undefined;
  }

  private async registered(clientId: string, request: RequestOrigin) {
    if (!isClientIdUrl(clientId)) return this.deps.store.clientKeys(clientId);
    const document = await this.deps.documents.resolve(clientId, request);
    return document.authMethod === 'private_key_jwt' ? document : undefined;
  }

  private async fetched(
    uri: string,
    fresh: boolean,
    request: RequestOrigin,
  ): Promise<JSONWebKeySet | undefined> {
    const cached = fresh ? undefined : this.remote.get(uri);
    if (cached) return cached;
    const fetched = await this.deps.fetcher.fetchJson(new URL(uri), MAX_JWKS_BYTES, request);
    const set = publicKeySet(fetched.value);
    if (typeof set === 'string') return undefined;
    const { cacheMinSeconds, cacheMaxSeconds } = this.deps.settings;
    this.remote.set(
      uri,
      set,
      cacheLifetimeSeconds(fetched.cacheControl, {
        minSeconds: cacheMinSeconds,
        maxSeconds: cacheMaxSeconds,
      }),
    );
    return set;
  }
}
