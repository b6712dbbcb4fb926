import { obtainTokens, type Tokens } from './flow.js';
import type { AgentFixture, ClientFixture, HttpTarget } from './harness.js';

/**
 * Runs `work` (a backup) while `workers` agents sign in without pause. Returns its result
 * and the tokens whose answer had arrived before `work` started: what a snapshot must hold.
 */
export async function duringSignIns<T>(
  h: HttpTarget,
  site: ClientFixture,
  agent: AgentFixture,
  work: () => Promise<T>,
  workers = 4,
): Promise<{ result: T; acknowledged: Tokens[] }> {
  const acknowledged: Tokens[] = [];
  let started = false;
  let load = true;
  const signIns = Array.from({ length: workers }, async () => {
    while (load) {
      const tokens = await obtainTokens(h, site, agent);
      if (!started) acknowledged.push(tokens);
    }
  });
  // Under load for real: several sign-ins done, the others in flight.
  while (acknowledged.length < workers + 2) await new Promise((r) => setTimeout(r, 20));
  started = true;
  try {
    return { result: await work(), acknowledged };
  } finally {
    load = false;
    await Promise.all(signIns);
  }
}
