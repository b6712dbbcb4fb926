import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/load.js';
import { settings } from '../src/config/settings.js';

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
    });
  });

  it.each([
    [{ NODE_ENV: 'production', ISSUER: 'https://a.example' }, /JWT_SECRET is not set/],
    [
      { NODE_ENV: 'production', ISSUER: 'https://a.example', JWT_SECRET: 'x'.repeat(31) },
      /shorter than 32 bytes/,
    ],
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }, /ISSUER must be https/],
    [{ ISSUER: 'not a url' }, /absolute URL/],
    [{ ISSUER: 'https://a.example/?x=1' }, /query or fragment/],
    [{ AUTH_CODE_TTL: '5' }, /AUTH_CODE_TTL must be an integer from 60 to 600/],
    [{ AUTH_CODE_TTL: '601' }, /AUTH_CODE_TTL/],
    [{ PBKDF2_ITERATIONS: '99999' }, /PBKDF2_ITERATIONS/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET is shorter than 32 bytes/],
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

  it('accepts a safe production configuration', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      ISSUER: 'https://auth.example/',
      JWT_SECRET: 'kQ8vN2pX7rT4wZ9bC3mF6hJ1sL5dG0aY',
      TRUST_PROXY: '1',
      CORS_ORIGINS: 'none',
    });
    expect(config.issuer).toBe('https://auth.example');
  });

  it('documents every setting in docs/configuration.md', () => {
    const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    for (const [name, setting] of Object.entries(settings)) {
      expect(doc).toContain(`\`${name}\``);
      expect(setting.doc.length).toBeGreaterThan(10);
    }
  });
});
