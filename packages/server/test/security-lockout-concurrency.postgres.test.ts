import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './support/harness.js';

// A website that starts up sends many requests at once, each with its secret derived afresh.
// Each reserves an attempt (auth_attempt_reserve: the identity's lockout row '*', then the
// source's) and, once its secret matched, records the success (auth_attempt_succeeded) in its
// operation's transaction. Both must lock the rows in the same order: the success once took
// the source's row first, so a success and a reservation could each hold the row the other
// needed; PostgreSQL aborted one (a 500, seen in the bench's warm sign-in). The interleaving
// is forced here with two sessions. PGlite has one connection: PostgreSQL only.
let h: Harness;
let success: pg.Client;
let reservation: pg.Client;
const SOURCE = '203.0.113.7';

beforeAll(async () => {
  h = await createHarness();
  success = new pg.Client({ connectionString: h.db.url });
  reservation = new pg.Client({ connectionString: h.db.url });
  await Promise.all([success.connect(), reservation.connect()]);
});
afterAll(async () => {
  await Promise.all([success.end(), reservation.end()]);
  await h.dispose();
});

describe('a success and a reservation for one subject and source, interleaved', () => {
  it('both complete: neither deadlocks the other', async () => {
    const subject = 'client-subject-under-test';
    // Both rows exist (earlier attempts of this subject, from this address).
    await reservation.query("SELECT * FROM auth_lock_row('client', $1, '*', 60)", [subject]);
    await reservation.query("SELECT * FROM auth_lock_row('client', $1, auth_source_key($2), 60)", [
      subject,
      SOURCE,
    ]);
    // Another request's reservation holds the identity's row...
    await reservation.query('BEGIN');
    await reservation.query("SELECT * FROM auth_lock_row('client', $1, '*', 60)", [subject]);
    // ...while this request records its success, which waits for that row.
    await success.query('BEGIN');
    const recorded = success
      .query("SELECT auth_attempt_succeeded('client', $1, $2)", [subject, SOURCE])
      .then(
        () => success.query('COMMIT'),
        async (error: unknown) => {
          await success.query('ROLLBACK');
          throw error;
        },
      );
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The reservation goes on to the source's row: it must not be held by the waiting success.
    const reserved = reservation
      .query("SELECT * FROM auth_lock_row('client', $1, auth_source_key($2), 60)", [
        subject,
        SOURCE,
      ])
      .then(() => reservation.query('COMMIT'));
    const outcomes = await Promise.allSettled([
      reserved.catch(async (error: unknown) => {
        await reservation.query('ROLLBACK');
        throw error;
      }),
      recorded,
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : String(o.reason)))).toEqual([
      'ok',
      'ok',
    ]);
  }, 30_000);
});
