import { type BackendLocation, openPrivileged } from './backend.js';

const PER_GRANT = 4;
const BATCH = 100_000;

/** base64url(sha256(x)) in SQL, the same shape as the server's stored token hashes. */
const HASH = (expr: string) =>
  `translate(rtrim(encode(sha256(convert_to(${expr}, 'UTF8')), 'base64'), '='), '+/', '-_')`;

/**
 * Fills the token tables for the growth test: `count` refresh tokens in families of four
 * (three rotated, one live), one grant per family, all owned by the bench owner's agent and
 * client. Generated in the database with generate_series, in batches.
 */
export async function seedTokens(
  location: BackendLocation,
  input: { count: number; ownerId: string; clientId: string },
): Promise<{ refreshTokens: number; grants: number; seconds: number }> {
  const started = performance.now();
  const db = await openPrivileged(location);
  try {
    const [refs] = await db.query<{ agent_ref: string; client_ref: string }>(
      `SELECT (SELECT id FROM agents WHERE owner_id = $1 ORDER BY created_at LIMIT 1) AS agent_ref,
              (SELECT id FROM clients WHERE client_id = $2) AS client_ref`,
      [input.ownerId, input.clientId],
    );
    if (!refs) throw new Error('bench owner has no agent or client');
    const grants = Math.ceil(input.count / PER_GRANT);
    for (let from = 1; from <= grants; from += BATCH) {
      const to = Math.min(grants, from + BATCH - 1);
      await db.query(
        `INSERT INTO grants (id, agent_ref, client_ref, agent_owner_id, client_owner_id, code_hash,
                             scope, model, expires_at)
         SELECT md5('bench-grant-' || g)::uuid, $1, $2, $3, $3, ${HASH(`'bench-code-' || g`)},
                'openid profile email', 'bench-model', now() + interval '30 days'
         FROM generate_series($4::int, $5::int) AS g`,
        [refs.agent_ref, refs.client_ref, input.ownerId, from, to],
      );
    }
    for (let from = 1; from <= input.count; from += BATCH) {
      const to = Math.min(input.count, from + BATCH - 1);
      await db.query(
        `INSERT INTO refresh_tokens (token_hash, grant_id, expires_at, rotated_at)
         SELECT ${HASH(`'bench-refresh-' || n`)},
                md5('bench-grant-' || ((n - 1) / ${PER_GRANT} + 1))::uuid,
                now() + interval '30 days',
                CASE WHEN n % ${PER_GRANT} = 0 THEN NULL ELSE now() END
         FROM generate_series($1::int, $2::int) AS n`,
        [from, to],
      );
    }
    await db.query('ANALYZE grants');
    await db.query('ANALYZE refresh_tokens');
    return {
      refreshTokens: input.count,
      grants,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await db.close();
  }
}
