import { secretProblem } from './secret-check.js';

/**
 * The production checks of the security guide's deployment checklist. They see the parsed
 * configuration through this view (load.ts passes its Config) and return what is wrong;
 * load.ts refuses to start when anything is.
 */
export interface ProductionView {
  readonly production: boolean;
  readonly issuer: string;
  readonly trustProxy: boolean;
  readonly corsOrigins: readonly string[] | undefined;
  readonly signingAlg: string;
  readonly keyEncryptionKey: string | undefined;
  readonly jwtSecret: string | undefined;
  readonly redisUrl: string | undefined;
  readonly alerts: { readonly webhookUrl: string | undefined };
  readonly metricsToken: string | undefined;
  readonly clientMetadata: { readonly allowLoopbackHttp: boolean };
}

/**
 * The secrets' problems: KEY_ENCRYPTION_KEY always, JWT_SECRET when set or, with HS256, needed.
 * In production an unset one is a problem too.
 */
function secretProblems(config: ProductionView, production: boolean): string[] {
  const problems: string[] = [];
  const kek = secretProblem('KEY_ENCRYPTION_KEY', config.keyEncryptionKey, production);
  if (kek) problems.push(kek);
  const hs256 = config.signingAlg === 'HS256';
  if (hs256 || config.jwtSecret) {
    const jwt = secretProblem('JWT_SECRET', config.jwtSecret, production);
    if (jwt) problems.push(hs256 ? `${jwt} (SIGNING_ALG=HS256 signs with it)` : jwt);
    else if (hs256 && config.jwtSecret && config.jwtSecret === config.keyEncryptionKey)
      problems.push('JWT_SECRET and KEY_ENCRYPTION_KEY must be different secrets.');
  }
  return problems;
}

/** Outside production: the first weak secret, refused on its own (unset ones are generated). */
export function developmentSecretProblem(config: ProductionView): string | undefined {
  return config.production ? undefined : secretProblems(config, false)[0];
}

/** The deployment checklist, where the server can see it: an empty list when all is well. */
export function productionProblems(config: ProductionView): string[] {
  if (!config.production) return [];
  const problems = secretProblems(config, true);
  if (!config.issuer.startsWith('https://'))
    problems.push(`ISSUER must be https in production (got ${config.issuer}).`);
  if (!config.trustProxy)
    problems.push(
      'TRUST_PROXY is not set: the server speaks plain HTTP, so in production it must sit behind a ' +
        'TLS-terminating proxy that sets X-Forwarded-Proto (then set TRUST_PROXY=1).',
    );
  if (config.clientMetadata.allowLoopbackHttp)
    problems.push(
      'CLIENT_METADATA_ALLOW_LOOPBACK_HTTP is set: it lets anyone make this server fetch from its own ' +
        'loopback interface, which is for development only. Unset it.',
    );
  if (config.corsOrigins === undefined)
    problems.push(
      'CORS_ORIGINS is not set; list the browser origins allowed to call the API ' +
        '(comma-separated), or set it to `none`.',
    );
  return problems;
}

/** Production settings that are safe but weaker than they could be; logged at start. */
export function productionWarnings(config: ProductionView): string[] {
  if (!config.production) return [];
  const warnings: string[] = [];
  if (!config.redisUrl)
    warnings.push('REDIS_URL is not set: rate limits and alert counters are per instance.');
  if (!config.alerts.webhookUrl)
    warnings.push('ALERT_WEBHOOK_URL is not set: alerts are only written to the security log.');
  if (!config.metricsToken)
    warnings.push('METRICS_TOKEN is not set: /metrics answers loopback callers only.');
  return warnings;
}
