import { rootCertificates } from 'node:tls';
import type { Logger } from 'pino';
import { DerivationBudget } from './auth/derivation-budget.js';
import { PrincipalCalls } from './auth/principal-call.js';
import { ProofCache } from './auth/proof-cache.js';
import { ClientKeys } from './clients/client-keys.js';
import { ClientMetadataDocuments } from './clients/metadata/metadata-documents.js';
import { fetchBudget, hostBudget } from './clients/outbound/fetch-budget.js';
import { type ResolveHost, systemResolver } from './clients/outbound/guarded-lookup.js';
import { OutboundFetcher } from './clients/outbound/outbound-fetch.js';
import type { Config } from './config/load.js';
import { createMailer } from './console/mail/mailer.js';
import { DPoPVerifier } from './oauth/dpop-proof.js';
import { Security } from './security/security.js';
import {
  type NoticeMailer,
  type SignInNoticeDeps,
  SignInNotices,
} from './security/sign-in-notices.js';
import { AccountStore } from './storage/account-store.js';
import type { SqlDriver } from './storage/driver.js';
import { OAuthStore } from './storage/oauth-store.js';
import { PrincipalStore } from './storage/principal-store.js';
import { RegistrationStore } from './storage/registration-store.js';
import { AccessTokens, deriveCodeKey } from './tokens/access-token.js';
import { IdTokens } from './tokens/id-token.js';
import type { SigningKeyRing } from './tokens/key-ring.js';
import type { ServerSecrets } from './tokens/server-secrets.js';
import { createKeyRing } from './tokens/signing-keys.js';

/** What every endpoint may use; built once per server by createServerContext below. */
export interface ServerContext {
  readonly config: Config;
  readonly db: SqlDriver;
  readonly store: OAuthStore;
  readonly accounts: AccountStore;
  readonly principalStore: PrincipalStore;
  /** Runs operations as a presented agent, client or user (auth/principal-call.ts). */
  readonly principals: PrincipalCalls;
  /** The signing keys of access and ID tokens, and the published JWKS. */
  readonly keys: SigningKeyRing;
  readonly accessTokens: AccessTokens;
  /** Undefined unless OpenID Connect is on (asymmetric signing, see oidcEnabled). */
  readonly idTokens: IdTokens | undefined;
  /** DPoP proofs (RFC 9449) at the token endpoint and /userinfo. */
  readonly dpop: DPoPVerifier;
  readonly secrets: ServerSecrets;
  readonly codeKey: Uint8Array;
  readonly logger: Logger;
  /** Rate limits, the security log, metrics and alerts (src/security). */
  readonly security: Security;
  /** Clients that register themselves (RFC 7591/7592) and their keys (src/clients). */
  readonly registrations: RegistrationStore;
  /** Clients whose client_id is the URL of their metadata document. */
  readonly clientDocuments: ClientMetadataDocuments;
  readonly clientKeys: ClientKeys;
  /** Telling owners of their agents' first sign-ins (mail, webhook). */
  readonly signInNotices: SignInNotices;
}

/**
 * OpenID Connect needs keys a relying party can verify with: an HS256 ID token would have
 * to be signed with the client's secret (Core §10.1), which the server never keeps.
 */
export function oidcEnabled(config: Config): boolean {
  return config.signingAlg !== 'HS256';
}

/** Builds the context once per server process (start-server.ts, tests, the demo). */
export function createServerContext(input: {
  config: Config;
  db: SqlDriver;
  logger: Logger;
  secrets: ServerSecrets;
  /** How outbound fetches resolve host names; tests pass a stub. */
  resolveHost?: ResolveHost;
  /** Certificates (PEM) outbound https trusts besides Node's roots; tests pass their own. */
  trustedCertificates?: string[];
  /** The mailer of sign-in notices (default: as the console's, from SMTP_URL). */
  mailer?: NoticeMailer;
  /** Retries and deadlines of sign-in notices; tests shorten them. */
  noticeDelivery?: SignInNoticeDeps['delivery'];
}): ServerContext {
  const { config, db, logger, secrets } = input;
  const principalStore = new PrincipalStore(db, config.lockout);
  const security = new Security(config, db, logger);
  const registrations = new RegistrationStore(db);
  const settings = config.clientMetadata;
  const outbound = {
    resolve: input.resolveHost ?? systemResolver,
    allowLoopbackHttp: settings.allowLoopbackHttp,
    ...(input.trustedCertificates
      ? { ca: [...rootCertificates, ...input.trustedCertificates] }
      : {}),
  };
  const fetcher = new OutboundFetcher({
    ...outbound,
    timeoutMs: settings.timeoutMs,
    budget: fetchBudget(security.limits),
  });
  const clientDocuments = new ClientMetadataDocuments({
    settings,
    fetcher,
    store: registrations,
    record: (event, request) => security.record(event, request),
  });
  const keys = createKeyRing(db, config, secrets, logger);
  return {
    config,
    db,
    logger,
    principalStore,
    store: new OAuthStore(db, principalStore),
    accounts: new AccountStore(db, principalStore),
    principals: new PrincipalCalls(
      new ProofCache(),
      config.pbkdf2Iterations,
      new DerivationBudget(config.derivationBudget.perSource, config.derivationBudget.decoys),
    ),
    keys,
    accessTokens: new AccessTokens(keys, config.issuer, config.accessTokenTtl),
    idTokens: oidcEnabled(config)
      ? new IdTokens(keys, config.issuer, config.accessTokenTtl)
      : undefined,
    dpop: new DPoPVerifier(config.issuer),
    secrets,
    codeKey: deriveCodeKey(secrets.keyEncryptionKey),
    security,
    registrations,
    clientDocuments,
    clientKeys: new ClientKeys({
      settings,
      store: registrations,
      documents: clientDocuments,
      fetcher,
    }),
    signInNotices: new SignInNotices({
      issuer: config.issuer,
      keyEncryptionKey: secrets.keyEncryptionKey,
      mailer: input.mailer ?? createMailer(config, logger),
      policy: { ...outbound, budget: hostBudget(security.limits) },
      record: (event, request) => security.record(event, request),
      logger,
      ...(input.noticeDelivery ? { delivery: input.noticeDelivery } : {}),
    }),
  };
}
