-- What owners see and control in the console (issue 15): an agent's or website's sign-in
-- history is read from the security log by the id it names.
CREATE INDEX IF NOT EXISTS security_events_target_idx
  ON security_events (target_id, event, occurred_at DESC);

-- Client-secret rotation with an overlap (docs/configuration.md, CLIENT_SECRET_OVERLAP): the
-- secret a rotation replaced keeps working until it expires or the owner ends the overlap
-- (02-principals.sql, auth_secret_matches). It is a hash like secret_hash: the application
-- role may read when it expires, never the hash.
ALTER TABLE clients ADD COLUMN previous_secret_hash text;
ALTER TABLE clients ADD COLUMN previous_secret_expires_at timestamptz;
ALTER TABLE clients ADD CONSTRAINT clients_previous_secret_expires
  CHECK ((previous_secret_hash IS NULL) = (previous_secret_expires_at IS NULL));
GRANT SELECT (previous_secret_expires_at) ON clients TO auth_agent_app;

-- One-time pages (POST-redirect-GET): what a create or rotate shows once, such as a new
-- secret, sealed under a key derived from the console session's id (which the database never
-- sees), bound to that session and deleted when first read (14-console-owner.sql).
CREATE TABLE console_flashes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_hash text NOT NULL REFERENCES console_sessions (id_hash) ON DELETE CASCADE,
  sealed text NOT NULL CHECK (length(sealed) <= 16384),
  expires_at timestamptz NOT NULL
);
CREATE INDEX console_flashes_expiry_idx ON console_flashes (expires_at);
ALTER TABLE console_flashes ENABLE ROW LEVEL SECURITY;
ALTER TABLE console_flashes FORCE ROW LEVEL SECURITY;
REVOKE ALL ON console_flashes FROM PUBLIC;
