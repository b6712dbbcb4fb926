import { randomBytes } from 'node:crypto';
import {
  provisionAgent,
  provisionClient,
  provisionUser,
} from '@auth-agent/server/dist/accounts/provisioning.js';
import { hashSecret } from '@auth-agent/server/dist/crypto/pbkdf2.js';
import { type BackendLocation, openServerDriver } from './backend.js';

export const REDIRECT_URI = 'https://app.bench.example/callback';

export interface Credentials {
  id: string;
  secret: string;
}

export interface SeededAccounts {
  ownerId: string;
  client: Credentials;
  warmAgents: Credentials[];
  /** Agents no server has verified yet; all share one secret (each row its own hash check). */
  coldAgents: { ids: string[]; secret: string };
}

/**
 * One owner, one confidential client, `warm` agents made by the server's own provisioning,
 * and `cold` agents inserted in one statement. The cold agents share one PBKDF2 string (same
 * salt, same secret) so that seeding thousands costs one hash; the server's verification
 * cache is keyed by the agent row, so each of them still costs the server a full PBKDF2
 * verification the first time it signs in.
 */
export async function seedAccounts(
  location: BackendLocation,
  counts: { warm: number; cold: number; iterations: number },
): Promise<SeededAccounts> {
  const db = await openServerDriver(location);
  try {
    const ownerEmail = `bench-owner-${randomBytes(4).toString('hex')}@example.com`;
    const owner = await provisionUser(db, {
      email: ownerEmail,
      password: randomBytes(18).toString('base64url'),
      admin: false,
      iterations: counts.iterations,
    });
    const client = await provisionClient(db, {
      ownerEmail,
      name: 'Bench Website',
      redirectUris: [REDIRECT_URI],
      public: false,
      iterations: counts.iterations,
    });
    const warmAgents: Credentials[] = [];
    for (let i = 0; i < counts.warm; i++) {
      const agent = await provisionAgent(db, {
        ownerEmail,
        userEmail: `warm${i}@example.com`,
        userName: `Warm Agent ${i}`,
        iterations: counts.iterations,
      });
      warmAgents.push({ id: agent.agent_id, secret: agent.agent_secret });
    }
    const coldSecret = `aa_sk_${randomBytes(32).toString('base64url')}`;
    const coldHash = await hashSecret(coldSecret, counts.iterations);
    const prefix = `cold_${randomBytes(4).toString('hex')}`;
    // The operator's connection: thousands of rows for one owner, outside any console session.
    const rows = await db.privileged((tx) =>
      tx.query<{ agent_id: string }>(
        `INSERT INTO agents (agent_id, secret_hash, owner_id, user_email, user_name)
         SELECT $1 || '_' || g, $2, $3, 'cold' || g || '@example.com', 'Cold Agent'
         FROM generate_series(1, $4::int) AS g
         RETURNING agent_id`,
        [prefix, coldHash, owner.id, counts.cold],
      ),
    );
    return {
      ownerId: owner.id,
      client: { id: client.client_id, secret: client.client_secret ?? '' },
      warmAgents,
      coldAgents: { ids: rows.map((r) => r.agent_id), secret: coldSecret },
    };
  } finally {
    await db.close();
  }
}
