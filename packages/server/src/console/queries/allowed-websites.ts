import type { SqlExecutor } from '../../storage/driver.js';

export interface AllowedWebsite {
  client_id: string;
  name: string;
}

/** The websites the agent may sign in to (app_agent_websites); none listed: any. */
export function allowedWebsites(tx: SqlExecutor, agentRef: string): Promise<AllowedWebsite[]> {
  return tx.query<AllowedWebsite>('SELECT * FROM app_agent_websites($1)', [agentRef]);
}
