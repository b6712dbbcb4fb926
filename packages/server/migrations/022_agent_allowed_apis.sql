-- The APIs (resource servers, 014_resource_servers.sql) an agent may obtain tokens for, when
-- its owner restricts it (none listed: any), like the websites it may sign in to
-- (agent_allowed_clients, 015_console_owner_controls.sql). The rule is oauth_agent_apis_outcome
-- (functions/13-resource-servers.sql): a sign-in naming another API is refused, and so is a
-- token or a refresh whose audience is one. The owner sets the list through
-- app_set_agent_apis (functions/14-console-owner.sql), which accepts only the agent's owner's
-- own APIs. The application role reaches the table only through those functions.
CREATE TABLE agent_allowed_apis (
  agent_ref uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  api_ref uuid NOT NULL REFERENCES resource_servers (id) ON DELETE CASCADE,
  PRIMARY KEY (agent_ref, api_ref)
);
CREATE INDEX agent_allowed_apis_api_idx ON agent_allowed_apis (api_ref);
ALTER TABLE agent_allowed_apis ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_allowed_apis FORCE ROW LEVEL SECURITY;
REVOKE ALL ON agent_allowed_apis FROM PUBLIC;
