-- Security operations: the append-only security log, lockouts and the signing-key set. The
-- application role reaches these tables only through the SECURITY DEFINER functions of
-- functions/08-security-log.sql and 09-security-operations.sql, except for reading the security log, which row-level security
-- filters to the reader's own objects.

-- One row per security event. Never updated or deleted by the application (see the grants
-- and the trigger below): an attacker who takes over the server process cannot erase it.
CREATE TABLE security_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  event text NOT NULL CHECK (event ~ '^[a-z0-9_.]{3,80}$'),
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied', 'info', 'alert')),
  actor_type text NOT NULL CHECK (length(actor_type) <= 40),
  actor_id text CHECK (length(actor_id) <= 320),
  target_type text CHECK (length(target_type) <= 40),
  target_id text CHECK (length(target_id) <= 320),
  ip text CHECK (length(ip) <= 64),
  user_agent text CHECK (length(user_agent) <= 512),
  request_id text CHECK (length(request_id) <= 128),
  -- Owners who may read the entry in the console (owner of the agent, client or account).
  owner_ids uuid[] NOT NULL DEFAULT '{}',
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX security_events_time_idx ON security_events (occurred_at DESC);
CREATE INDEX security_events_owner_idx ON security_events USING gin (owner_ids);
CREATE INDEX security_events_event_idx ON security_events (event, occurred_at DESC);

CREATE TRIGGER security_events_append_only
  BEFORE UPDATE OR DELETE ON security_events
  FOR EACH ROW EXECUTE FUNCTION security_events_immutable();
CREATE TRIGGER security_events_no_truncate
  BEFORE TRUNCATE ON security_events
  FOR EACH STATEMENT EXECUTE FUNCTION security_events_immutable();

ALTER TABLE security_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE security_events FORCE ROW LEVEL SECURITY;
CREATE POLICY security_events_owner_or_admin ON security_events FOR SELECT
  USING (app_current_user_id() = ANY (owner_ids) OR app_is_admin());
REVOKE ALL ON security_events FROM PUBLIC;
GRANT SELECT ON security_events TO auth_agent_app;

-- Failed-secret counters per subject (agent, client or console account). The key is a hash
-- of the presented identifier, so unknown ids lock exactly like real ones and reveal nothing.
CREATE TABLE lockouts (
  subject_type text NOT NULL CHECK (subject_type IN ('agent', 'client', 'user')),
  subject_key text NOT NULL,
  failures integer NOT NULL DEFAULT 0,
  window_started_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  lockout_count integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (subject_type, subject_key)
);
ALTER TABLE lockouts ENABLE ROW LEVEL SECURITY;
ALTER TABLE lockouts FORCE ROW LEVEL SECURITY;


-- Signing keys for access tokens, beyond the JWT_SECRET key. The key material is stored
-- wrapped (AES-256-GCM under a key derived from JWT_SECRET), never in the clear. A row
-- without material records that the JWT_SECRET key itself was revoked.
CREATE TABLE signing_keys (
  kid text PRIMARY KEY CHECK (length(kid) BETWEEN 8 AND 64),
  wrapped_key text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
ALTER TABLE signing_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE signing_keys FORCE ROW LEVEL SECURITY;
