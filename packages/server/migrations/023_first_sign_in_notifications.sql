-- Per-agent control (issue 15): an owner may ask to be told, by mail and/or a webhook, when
-- an agent signs in somewhere for the first time (docs/console.md, "First sign-in
-- notifications"). The functions are in functions/16-sign-in-notifications.sql.

-- Every (agent, website, API) the server has seen a successful sign-in for. The sign-in's own
-- call (oauth_complete_request) inserts with ON CONFLICT DO NOTHING, so of any number of
-- concurrent first sign-ins exactly one inserts the row and is "first". resource is the
-- RFC 8707 resource the sign-in named, '' when it named none. Only SECURITY DEFINER functions
-- reach it: the application role has no grant and no policy.
CREATE TABLE agent_first_sign_ins (
  agent_ref uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  client_ref uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  resource text NOT NULL DEFAULT '',
  first_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agent_ref, client_ref, resource)
);
CREATE INDEX agent_first_sign_ins_client_idx ON agent_first_sign_ins (client_ref);
ALTER TABLE agent_first_sign_ins ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_first_sign_ins FORCE ROW LEVEL SECURITY;
REVOKE ALL ON agent_first_sign_ins FROM PUBLIC;

-- What the server saw before this release is not new: an upgrade does not announce every
-- website an agent already uses as a first sign-in.
INSERT INTO agent_first_sign_ins (agent_ref, client_ref, resource, first_at)
SELECT seen.agent_ref, seen.client_ref, r.resource, min(seen.at)
FROM (SELECT g.agent_ref, g.client_ref, g.resources, g.created_at AS at FROM grants g
      UNION ALL
      SELECT c.agent_ref, c.client_ref, c.resources, c.created_at FROM auth_codes c) AS seen
CROSS JOIN LATERAL unnest(CASE WHEN cardinality(seen.resources) = 0 THEN ARRAY['']
                               ELSE seen.resources END) AS r(resource)
GROUP BY seen.agent_ref, seen.client_ref, r.resource
ON CONFLICT DO NOTHING;

-- The owner's choice per agent: mail to the owner's verified account email, and/or a POST to
-- webhook_url signed with HMAC-SHA256 under webhook_secret. webhook_secret is sealed
-- (AES-256-GCM under KEY_ENCRYPTION_KEY, labelled with agent_ref), and not readable by the
-- application role even so; the sign-in call hands it to the server. owner_id is the agent's
-- owner, set by app_set_sign_in_notifications from the agent row, never by the caller.
CREATE TABLE agent_sign_in_notifications (
  agent_ref uuid PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
  owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  notify_mail boolean NOT NULL DEFAULT false,
  webhook_url text CHECK (length(webhook_url) BETWEEN 8 AND 2048),
  webhook_secret text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT agent_sign_in_notifications_secret
    CHECK ((webhook_url IS NULL) = (webhook_secret IS NULL))
);
CREATE INDEX agent_sign_in_notifications_owner_idx ON agent_sign_in_notifications (owner_id);
ALTER TABLE agent_sign_in_notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_sign_in_notifications FORCE ROW LEVEL SECURITY;
REVOKE ALL ON agent_sign_in_notifications FROM PUBLIC;
CREATE POLICY agent_sign_in_notifications_owner_or_admin ON agent_sign_in_notifications
  USING (owner_id = (SELECT app_current_user_id()) OR (SELECT app_is_admin()))
  WITH CHECK (owner_id = (SELECT app_current_user_id()) OR (SELECT app_is_admin()));
-- The console reads its owner's settings under RLS; it changes them only through
-- app_set_sign_in_notifications.
GRANT SELECT (agent_ref, owner_id, notify_mail, webhook_url, updated_at)
  ON agent_sign_in_notifications TO auth_agent_app;

-- oauth_complete_request (functions/04-oauth-requests.sql) now also answers the first
-- sign-in it recorded, so its result type changed: the functions file recreates it.
DROP FUNCTION IF EXISTS
  oauth_complete_request(text, text, boolean, text, integer[], text, text, text, integer, integer);
