import type { TestDatabase } from './database.js';
import type { AgentFixture, ClientFixture, Harness } from './harness.js';
import { createHarness } from './harness.js';

/** What most protocol tests start from: one owner with one website and one agent. */
export interface SignInWorld {
  h: Harness;
  owner: { id: string; email: string; password: string };
  client: ClientFixture;
  agent: AgentFixture;
}

export interface SignInWorldOptions {
  /** Settings for the server (as environment variables). */
  env?: Record<string, string>;
  client?: Parameters<Harness['createClient']>[1];
  /** The person the agent acts for, as websites see them. */
  agent?: Parameters<Harness['createAgent']>[1];
  /** A database of the test's own (default: a fresh one). */
  db?: TestDatabase;
}

/**
 * A fresh server with an owner, a confidential website and an agent. Test files call it in
 * `beforeAll` and dispose of `h` in `afterAll`, instead of repeating the set-up block.
 */
export async function createSignInWorld(options: SignInWorldOptions = {}): Promise<SignInWorld> {
  const h = await createHarness(options.env, options.db ? { db: options.db } : {});
  const owner = await h.createUser();
  const client = await h.createClient(owner.email, options.client);
  const agent = await h.createAgent(owner.email, options.agent);
  return { h, owner, client, agent };
}
