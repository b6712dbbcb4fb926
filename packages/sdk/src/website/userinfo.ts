import * as oauth from 'oauth4webapi';
import { internalsOf, type WebsiteClient } from './client.js';
import { toAuthAgentError } from './oauth-errors.js';

/** Who signed in: the agent, the model it runs on, and the user it acts for. */
export interface AgentUserInfo {
  /** The agent id. */
  sub: string;
  /** The model the agent declared when signing in. */
  model?: string;
  /** The email of the user the agent acts for (scope `email`). */
  email?: string;
  /** Whether the server has verified that email. */
  email_verified?: boolean;
  /** The user's name (scope `profile`), when set. */
  name?: string;
  /** Other claims the server may add. */
  [claim: string]: unknown;
}

/**
 * Calls the userinfo endpoint with an access token.
 *
 * @param client - from {@link discover}
 * @param accessToken - the agent's access token
 * @param expectedSubject - the agent id you expect; checked when given
 * @throws {@link AuthAgentError} `invalid_token` for an expired or revoked token
 */
export async function userinfo(
  client: WebsiteClient,
  accessToken: string,
  expectedSubject?: string,
): Promise<AgentUserInfo> {
  const { as, client: oauthClient, http } = internalsOf(client);
  try {
    const response = await oauth.userInfoRequest(as, oauthClient, accessToken, http);
    return (await oauth.processUserInfoResponse(
      as,
      oauthClient,
      expectedSubject ?? oauth.skipSubjectCheck,
      response,
    )) as AgentUserInfo;
  } catch (error) {
    throw toAuthAgentError(error, 'The userinfo request');
  }
}
