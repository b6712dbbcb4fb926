import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_TIMEOUT, type SecurityHarness, securityHarness } from './security-helpers.js';

// How the security log stores what it records (security-log.test.ts: what it records).
let h: SecurityHarness;

beforeAll(async () => {
  h = await securityHarness();
}, HOOK_TIMEOUT);
afterAll(() => h.dispose());

describe('batched storage of security events', () => {
  it('stores many events with one statement, in order, with the time each happened', async () => {
    const marker = `batch-${Date.now()}`;
    for (let i = 0; i < 5; i++)
      h.ctx.security.record(
        { event: 'admin.action', outcome: 'info', details: { marker, i } },
        undefined,
      );
    const stored = (await h.events({ event: 'admin.action' })).filter(
      (e) => e.details.marker === marker,
    );
    expect(stored.map((e) => e.details.i)).toEqual([0, 1, 2, 3, 4]);
    expect(stored.every((e) => Date.now() - e.occurredAt.getTime() < 60_000)).toBe(true);
  });

  it('keeps the good events of a batch that one bad event makes fail, and logs the bad one', async () => {
    const marker = `bad-batch-${Date.now()}`;
    h.ctx.security.record(
      { event: 'admin.action', outcome: 'info', details: { marker, i: 0 } },
      undefined,
    );
    // Breaks the table's CHECK on event names, so the batch statement fails as a whole.
    h.ctx.security.record(
      { event: 'Not A Valid Name!' as 'admin.action', outcome: 'info' },
      undefined,
    );
    h.ctx.security.record(
      { event: 'admin.action', outcome: 'info', details: { marker, i: 1 } },
      undefined,
    );
    const stored = (await h.events({ event: 'admin.action' })).filter(
      (e) => e.details.marker === marker,
    );
    expect(stored.map((e) => e.details.i)).toEqual([0, 1]);
    expect(h.logs.join('\n')).toContain('security event could not be stored');
  });

  it('stores overlong fields cut to the column limits, which the append function alone enforces', async () => {
    const marker = `long-${Date.now()}`;
    const long = (c: string, n: number) => c.repeat(n);
    await h.db.driver.query('SELECT security_log_append_batch($1::jsonb)', [
      JSON.stringify([
        {
          event: 'admin.action',
          outcome: 'info',
          actor_type: long('a', 100),
          actor_id: long('b', 1000),
          target_type: long('c', 100),
          target_id: long('d', 1000),
          ip: long('1', 100),
          user_agent: long('e', 2000),
          request_id: long('f', 300),
          details: { marker },
        },
      ]),
    ]);
    const [stored] = (await h.events({ event: 'admin.action' })).filter(
      (e) => e.details.marker === marker,
    );
    expect(stored).toBeDefined();
    expect([
      stored?.actorType.length,
      stored?.actorId?.length,
      stored?.targetType?.length,
      stored?.targetId?.length,
      stored?.ip?.length,
      stored?.userAgent?.length,
      stored?.requestId?.length,
    ]).toEqual([40, 320, 40, 320, 64, 512, 128]);
  });
});
