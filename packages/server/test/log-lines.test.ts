import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obtainTokens } from './support/flow.js';
import type { AgentFixture, ClientFixture, Harness } from './support/harness.js';
import { createSignInWorld } from './support/sign-in-world.js';

// The line per request and a security event whose details name no redacted key skip pino's
// redaction pass (logger.ts, fixedFieldsLogger); everything else keeps it. These tests pin
// both halves.

let h: Harness;
let client: ClientFixture;
let agent: AgentFixture;

beforeAll(async () => {
  ({ h, client, agent } = await createSignInWorld());
});
afterAll(() => h.dispose());

function lines(): Record<string, unknown>[] {
  return h.logs.flatMap((chunk) =>
    chunk
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  );
}

describe('log lines', () => {
  it('writes the line per request with its fixed keys only, never the query string', async () => {
    const tokens = await obtainTokens(h, client, agent);
    const requests = lines().filter((line) => line.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(4);
    for (const line of requests) {
      expect(Object.keys(line).sort()).toEqual(
        ['level', 'method', 'ms', 'msg', 'path', 'request_id_header', 'service', 'status', 'time']
          .slice()
          .sort(),
      );
      expect(line.service).toBe('auth-agent');
      expect(String(line.path)).not.toContain('?');
    }
    const all = h.logs.join('');
    for (const secret of [agent.agent_secret, client.client_secret ?? '', tokens.refresh_token])
      expect(all).not.toContain(secret);
  });

  it('still redacts a secret-named key in a security event with details', () => {
    h.ctx.security.record(
      {
        event: 'token.refresh',
        outcome: 'failure',
        actor: { type: 'client', id: client.client_id },
        details: { code: 'code-that-must-not-be-logged', reason: 'invalid' },
      },
      undefined,
    );
    const line = lines().find(
      (l) =>
        l.security_event === 'token.refresh' &&
        (l.details as Record<string, unknown> | undefined)?.reason === 'invalid',
    );
    expect(line?.details).toEqual({ code: '[redacted]', reason: 'invalid' });
    expect(h.logs.join('')).not.toContain('code-that-must-not-be-logged');
  });

  it('writes a security event whose details name nothing redacted, details and all', () => {
    h.ctx.security.record(
      {
        event: 'client.authentication',
        outcome: 'success',
        actor: { type: 'client', id: client.client_id },
        details: { method: 'client_secret_basic', note: 'plain' },
      },
      undefined,
    );
    const line = lines().find(
      (l) => (l.details as Record<string, unknown> | undefined)?.note === 'plain',
    );
    expect(line?.details).toEqual({ method: 'client_secret_basic', note: 'plain' });
  });

  it('writes a security event without details with the same keys as one with them', () => {
    h.ctx.security.record(
      {
        event: 'token.refresh',
        outcome: 'success',
        actor: { type: 'client', id: client.client_id },
        target: { type: 'refresh_token', id: agent.agent_id },
      },
      undefined,
    );
    const line = lines().find(
      (l) => l.security_event === 'token.refresh' && l.outcome === 'success' && !l.details,
    );
    expect(line).toMatchObject({
      service: 'auth-agent',
      level: 30,
      actor_type: 'client',
      actor_id: client.client_id,
      target_type: 'refresh_token',
      target_id: agent.agent_id,
      msg: 'security event token.refresh',
    });
  });
});
