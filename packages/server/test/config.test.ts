import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/load.js';
import { settings } from '../src/config/settings.js';

const GOOD = 'kQ8vN2pX7rT4wZ9bC3mF6hJ1sL5dG0aY';
const OTHER = 'Vh3nR8qW1zK6tB9mP2xL5cF7gJ4sD0yA';

describe('the config module', () => {
  it('has safe defaults for development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      production: false,
      port: 8787,
      issuer: 'http://localhost:8787',
      pbkdf2Iterations: 100_000,
      accessTokenTtl: 3600,
      refreshTokenTtl: 2_592_000,
      authRequestTtl: 120,
      authCodeTtl: 60,
      signingAlg: 'ES256',
      jwksMaxAge: 300,
      signingKeyActivationDelay: 600,
    });
  });

  it.each([
    [{ NODE_ENV: 'production', ISSUER: 'https://a.example' }, /KEY_ENCRYPTION_KEY is not set/],
    [
      { NODE_ENV: 'production', ISSUER: 'https://a.example', KEY_ENCRYPTION_KEY: 'x'.repeat(31) },
      /KEY_ENCRYPTION_KEY is shorter than 32 bytes/,
    ],
    [
      { NODE_ENV: 'production', KEY_ENCRYPTION_KEY: 'change-this-to-a-real-value-Hq4tZ8vB2nX6' },
      /KEY_ENCRYPTION_KEY looks like a placeholder/,
    ],
    [{ NODE_ENV: 'production', SIGNING_ALG: 'HS256' }, /JWT_SECRET is not set/],
    [
      { NODE_ENV: 'production', SIGNING_ALG: 'HS256', JWT_SECRET: 'x'.repeat(31) },
      /JWT_SECRET is shorter than 32 bytes/,
    ],
    [
      { NODE_ENV: 'production', SIGNING_ALG: 'HS256', JWT_SECRET: GOOD, KEY_ENCRYPTION_KEY: GOOD },
      /must be different secrets/,
    ],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }, /ISSUER must be https/],
    [{ SIGNING_ALG: 'none' }, /SIGNING_ALG must be one of ES256, EdDSA, RS256, HS256/],
    [{ SIGNING_ALG: 'es256' }, /SIGNING_ALG/],
    [
      { JWKS_MAX_AGE: '600', SIGNING_KEY_ACTIVATION_DELAY: '300' },
      /SIGNING_KEY_ACTIVATION_DELAY \(300\) must be at least JWKS_MAX_AGE \(600\)/,
    ],
    [{ ISSUER: 'not a url' }, /absolute URL/],
    [{ ISSUER: 'https://a.example/?x=1' }, /query or fragment/],
    [{ AUTH_CODE_TTL: '5' }, /AUTH_CODE_TTL must be an integer from 60 to 600/],
    [{ AUTH_CODE_TTL: '601' }, /AUTH_CODE_TTL/],
    [{ PBKDF2_ITERATIONS: '99999' }, /PBKDF2_ITERATIONS/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET is shorter than 32 bytes/],
    [{ KEY_ENCRYPTION_KEY: 'short' }, /KEY_ENCRYPTION_KEY is shorter than 32 bytes/],
    [{ KEY_ENCRYPTION_KEY: 'ab'.repeat(20) }, /KEY_ENCRYPTION_KEY has fewer than 12 different/],
    [{ JWT_SECRET: 'x'.repeat(64) }, /JWT_SECRET has fewer than 12 different characters/],
    [{ DATABASE_URL: 'mysql://u:p@db/app' }, /DATABASE_URL uses "mysql:\/\/"/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL is not a URL/],
    [
      { DATABASE_URL: 'postgres://db/app', DATABASE_MIGRATION_URL: 'redis://db' },
      /DATABASE_MIGRATION_URL uses "redis:\/\/"/,
    ],
    [
      { DATABASE_MIGRATION_URL: 'postgres://db/app' },
      /DATABASE_MIGRATION_URL is set but DATABASE_URL is not/,
    ],
  ])('refuses %j with a clear message', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('accepts a strong JWT_SECRET in development even with a word a placeholder would have', () => {
    const secret = 'test-only-Hq4tZ8vB2nX6mR1pW9cL3kJ7fD5sG0aY';
    expect(loadConfig({ JWT_SECRET: secret }).jwtSecret).toBe(secret);
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@db/app' }).databaseUrl).toBe(
      'postgresql://u@db/app',
    );
    expect(loadConfig({}).dataDirIsDefault).toBe(true);
    expect(loadConfig({ AUTH_AGENT_DATA_DIR: '/srv/auth' }).dataDirIsDefault).toBe(false);
  });

  it('accepts a safe production configuration: ES256 with only KEY_ENCRYPTION_KEY', () => {
    const safe = {
      NODE_ENV: 'production',
      ISSUER: 'https://auth.example/',
      KEY_ENCRYPTION_KEY: GOOD,
      TRUST_PROXY: '1',
      CORS_ORIGINS: 'none',
    };
    const config = loadConfig(safe);
    expect(config.issuer).toBe('https://auth.example');
    expect(config.signingAlg).toBe('ES256');
    expect(config.jwtSecret).toBeUndefined();
    const symmetric = loadConfig({ ...safe, SIGNING_ALG: 'HS256', JWT_SECRET: OTHER });
    expect(symmetric.signingAlg).toBe('HS256');
  });

  it('documents every setting in docs/configuration.md', () => {
    const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    for (const [name, setting] of Object.entries(settings)) {
      expect(doc).toContain(`\`${name}\``);
      expect(setting.doc.length).toBeGreaterThan(10);
    }
  });
});
