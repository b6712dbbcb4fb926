import type { SqlExecutor } from '../../storage/driver.js';

/** One of the agent's owner's APIs, and whether the agent may obtain tokens for it. */
export interface AgentApi {
  api_id: string;
  identifier: string;
  name: string;
  allowed: boolean;
}

/** The owner's APIs, ticked when the agent may use them (app_agent_apis); none ticked: any. */
export function agentApis(tx: SqlExecutor, agentRef: string): Promise<AgentApi[]> {
  return tx.query<AgentApi>('SELECT * FROM app_agent_apis($1)', [agentRef]);
}
