import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/load.js';
import { createHarness } from './support/harness.js';

// The settings of docs/operations-runtime.md, and the rate limiter's fallback metric.
describe('runtime settings', () => {
  it('have documented defaults', () => {
    const config = loadConfig({});
    expect(config.databaseTimeouts).toEqual({
      connectMs: 5_000,
      queryMs: 10_000,
      keepAliveDelayMs: 10_000,
    });
    expect(config).toMatchObject({
      readinessTimeoutMs: 2_000,
      refreshRetryWindow: 10,
      shutdownTimeout: 25,
    });
  });

  it('are read from the environment and checked', () => {
    const config = loadConfig({
      DATABASE_CONNECT_TIMEOUT_MS: '1234',
      DATABASE_QUERY_TIMEOUT_MS: '2345',
      DATABASE_KEEPALIVE_DELAY_MS: '0',
      REFRESH_RETRY_WINDOW: '0',
      SHUTDOWN_TIMEOUT: '3',
    });
    expect(config.databaseTimeouts).toEqual({
      connectMs: 1234,
      queryMs: 2345,
      keepAliveDelayMs: 0,
    });
    expect(config.refreshRetryWindow).toBe(0);
    expect(config.shutdownTimeout).toBe(3);
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_QUERY_TIMEOUT_MS: 'soon' })).toThrow(ConfigError);
    // A retry window as long as an access token lives would let a stolen token be replayed
    // for a fresh one for as long as the old one was good.
    expect(() => loadConfig({ REFRESH_RETRY_WINDOW: '120', ACCESS_TOKEN_TTL: '120' })).toThrow(
      /REFRESH_RETRY_WINDOW/,
    );
  });
});

describe('the rate limiter falling back from Redis', () => {
  it('shows in /metrics while Redis is unreachable', async () => {
    const h = await createHarness({
      REDIS_URL: 'redis://127.0.0.1:1',
      METRICS_TOKEN: 'm'.repeat(32),
    });
    try {
      await h.ctx.security.counters.ready(500);
      const text = await (
        await h.request('/metrics', { headers: { authorization: `Bearer ${'m'.repeat(32)}` } })
      ).text();
      expect(text).toMatch(/^auth_agent_rate_limit_fallback 1$/m);
      expect(text).toMatch(/^auth_agent_rate_limit_fallbacks_total [1-9]/m);
      expect(text).toMatch(/^auth_agent_database_up 1$/m);
      // Requests still go through, counted by this instance.
      expect((await h.request('/health/ready')).status).toBe(200);
    } finally {
      await h.ctx.security.close();
      await h.dispose();
    }
  });

  it('is 0 without REDIS_URL', async () => {
    const h = await createHarness({ METRICS_TOKEN: 'm'.repeat(32) });
    try {
      const text = await (
        await h.request('/metrics', { headers: { authorization: `Bearer ${'m'.repeat(32)}` } })
      ).text();
      expect(text).toMatch(/^auth_agent_rate_limit_fallback 0$/m);
    } finally {
      await h.dispose();
    }
  });
});
