-- Security operations: the append-only security log, lockouts, the signing-key set, and the
-- incident-response and housekeeping steps. As in 002_oauth_functions.sql the application
-- role reaches these tables only through SECURITY DEFINER functions, except for reading the
-- security log, which row-level security filters to the reader's own objects.

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

CREATE FUNCTION security_events_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'security_events is append-only';
END
$$;
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

-- Appends one event. Owners are resolved here from the public ids the event names, so the
-- caller needs no access to other owners' rows.
CREATE FUNCTION security_log_append(p_event text, p_outcome text, p_actor_type text,
  p_actor_id text, p_target_type text, p_target_id text, p_ip text, p_user_agent text,
  p_request_id text, p_agent_id text, p_client_id text, p_user_id uuid, p_details jsonb)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  owners uuid[];
  new_id bigint;
BEGIN
  SELECT coalesce(array_agg(DISTINCT o) FILTER (WHERE o IS NOT NULL), '{}') INTO owners FROM (
    SELECT owner_id AS o FROM agents WHERE p_agent_id IS NOT NULL AND agent_id = p_agent_id
    UNION ALL
    SELECT owner_id FROM clients WHERE p_client_id IS NOT NULL AND client_id = p_client_id
    UNION ALL
    SELECT id FROM users WHERE p_user_id IS NOT NULL AND id = p_user_id
  ) AS found;
  INSERT INTO security_events (event, outcome, actor_type, actor_id, target_type, target_id, ip,
                               user_agent, request_id, owner_ids, details)
  VALUES (p_event, p_outcome, p_actor_type, left(p_actor_id, 320), p_target_type,
          left(p_target_id, 320), left(p_ip, 64), left(p_user_agent, 512), left(p_request_id, 128),
          owners, coalesce(p_details, '{}'))
  RETURNING id INTO new_id;
  RETURN new_id;
END
$$;

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

-- One round trip before each secret check: is the subject locked, and has it any failures
-- to clear on success (so a success needs a second round trip only after failures).
CREATE FUNCTION security_lockout_state(p_type text, p_key text)
RETURNS TABLE (locked boolean, retry_after integer, failure_count integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT coalesce(l.locked_until > now(), false),
         greatest(0, ceil(extract(epoch FROM l.locked_until - now())))::integer,
         l.failures
  FROM lockouts l
  WHERE l.subject_type = p_type AND l.subject_key = p_key
$$;

-- Counts one failure. The Nth failure inside the window locks the subject for
-- base * 2^(previous lockouts), capped: each lockout in a row lasts twice as long.
CREATE FUNCTION security_lockout_fail(p_type text, p_key text, p_max_failures integer,
  p_window_seconds integer, p_base_seconds integer, p_max_seconds integer)
RETURNS TABLE (failure_count integer, locked_until_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  l lockouts%ROWTYPE;
BEGIN
  INSERT INTO lockouts AS t (subject_type, subject_key, failures, window_started_at)
  VALUES (p_type, p_key, 1, now())
  ON CONFLICT (subject_type, subject_key) DO UPDATE
  SET failures = CASE WHEN t.window_started_at <= now() - make_interval(secs => p_window_seconds)
                      THEN 1 ELSE t.failures + 1 END,
      window_started_at = CASE WHEN t.window_started_at <= now() - make_interval(secs => p_window_seconds)
                               THEN now() ELSE t.window_started_at END,
      updated_at = now()
  RETURNING * INTO l;
  IF l.failures >= p_max_failures THEN
    UPDATE lockouts AS t
    SET locked_until = now() + make_interval(secs => least(p_max_seconds::double precision,
                         p_base_seconds * power(2, least(l.lockout_count, 30)))),
        lockout_count = t.lockout_count + 1, failures = 0, window_started_at = now()
    WHERE t.subject_type = p_type AND t.subject_key = p_key
    RETURNING * INTO l;
    RETURN QUERY SELECT p_max_failures, l.locked_until;
    RETURN;
  END IF;
  RETURN QUERY SELECT l.failures, NULL::timestamptz;
END
$$;

-- A correct secret while not locked: the count starts again and the next lockout is short.
CREATE FUNCTION security_lockout_succeed(p_type text, p_key text)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  DELETE FROM lockouts
  WHERE subject_type = p_type AND subject_key = p_key
    AND (locked_until IS NULL OR locked_until <= now())
$$;

-- Unlock (CLI, or the console after its own ownership check). True if there was a lock.
CREATE FUNCTION security_lockout_clear(p_type text, p_key text)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH gone AS (
    DELETE FROM lockouts WHERE subject_type = p_type AND subject_key = p_key
    RETURNING locked_until
  )
  SELECT coalesce(bool_or(locked_until > now()), false) FROM gone
$$;

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

CREATE FUNCTION security_signing_keys()
RETURNS TABLE (kid text, wrapped_key text, created_at timestamptz, revoked boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT k.kid, k.wrapped_key, k.created_at, k.revoked_at IS NOT NULL FROM signing_keys k
  ORDER BY k.created_at DESC, k.kid
$$;

-- Adds a new current key; with p_revoke_others every other key (and the JWT_SECRET key,
-- named by p_env_kid) stops verifying at once.
CREATE FUNCTION security_rotate_signing_key(p_kid text, p_wrapped_key text,
  p_revoke_others boolean, p_env_kid text)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  revoked integer := 0;
BEGIN
  INSERT INTO signing_keys (kid, wrapped_key) VALUES (p_kid, p_wrapped_key);
  IF p_revoke_others THEN
    UPDATE signing_keys SET revoked_at = now() WHERE kid <> p_kid AND revoked_at IS NULL;
    GET DIAGNOSTICS revoked = ROW_COUNT;
    INSERT INTO signing_keys (kid, wrapped_key, created_at, revoked_at)
    VALUES (p_env_kid, NULL, '-infinity', now())
    ON CONFLICT (kid) DO UPDATE SET revoked_at = coalesce(signing_keys.revoked_at, now());
    revoked := revoked + 1;
  END IF;
  RETURN revoked;
END
$$;

-- Incident response: revoke every live grant (and so its refresh tokens and access tokens)
-- of everything, one agent, one client, or everything one owner owns.
CREATE FUNCTION security_revoke_grants(p_scope text, p_value text)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  n integer;
BEGIN
  UPDATE grants g SET revoked_at = now(), revoke_reason = 'incident_response'
  WHERE g.revoked_at IS NULL AND CASE p_scope
    WHEN 'all' THEN true
    WHEN 'agent' THEN g.agent_ref = (SELECT a.id FROM agents a WHERE a.agent_id = p_value)
    WHEN 'client' THEN g.client_ref = (SELECT c.id FROM clients c WHERE c.client_id = p_value)
    WHEN 'user' THEN (SELECT u.id FROM users u WHERE lower(u.email) = lower(p_value))
                     IN (g.agent_owner_id, g.client_owner_id)
    ELSE false END;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

-- Ends every console session; the console's table arrives in 003_console.sql, so this is
-- written to work with or without it. Returns NULL when there is no session table.
CREATE FUNCTION security_revoke_sessions()
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  n integer;
BEGIN
  IF to_regclass('public.console_sessions') IS NULL THEN RETURN NULL; END IF;
  EXECUTE 'DELETE FROM console_sessions';
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

CREATE FUNCTION security_set_agent_secret(p_agent_id text, p_secret_hash text)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH changed AS (
    UPDATE agents SET secret_hash = p_secret_hash, secret_version = secret_version + 1,
                      updated_at = now()
    WHERE agent_id = p_agent_id RETURNING id
  )
  SELECT EXISTS (SELECT 1 FROM changed)
$$;

-- Public clients have no secret and keep none.
CREATE FUNCTION security_set_client_secret(p_client_id text, p_secret_hash text)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH changed AS (
    UPDATE clients SET secret_hash = p_secret_hash, secret_version = secret_version + 1,
                       updated_at = now()
    WHERE client_id = p_client_id AND secret_hash IS NOT NULL RETURNING id
  )
  SELECT EXISTS (SELECT 1 FROM changed)
$$;

-- Redirect URIs of enabled public clients: their origins may call the token endpoint
-- from a browser (CORS).
CREATE FUNCTION security_public_client_redirect_uris()
RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT DISTINCT unnest(c.redirect_uris) FROM clients c
  JOIN users u ON u.id = c.owner_id
  WHERE c.secret_hash IS NULL AND c.disabled_at IS NULL AND u.disabled_at IS NULL
$$;

CREATE FUNCTION security_active_grants()
RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT count(*) FROM grants WHERE revoked_at IS NULL AND expires_at > now()
$$;

-- Housekeeping. Expired rows are kept a grace period first: consumed codes for a day so a
-- late replay is still recognised (RFC 6749 §4.1.2), dead grants for a week for
-- investigation. Only one instance purges at a time; the others skip (NULL).
CREATE FUNCTION security_purge_expired()
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  r jsonb := '{}';
  n integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(727275) THEN RETURN NULL; END IF;
  DELETE FROM auth_requests WHERE expires_at < now() - interval '1 hour';
  GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('requests', n);
  DELETE FROM auth_codes WHERE expires_at < now() - interval '1 day';
  GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('codes', n);
  DELETE FROM refresh_tokens WHERE expires_at < now();
  GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('refresh_tokens', n);
  DELETE FROM revoked_access_tokens WHERE expires_at < now();
  GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('revoked_access_tokens', n);
  DELETE FROM grants WHERE expires_at < now() - interval '7 days';
  GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('grants', n);
  DELETE FROM lockouts WHERE coalesce(locked_until, '-infinity') < now()
    AND updated_at < now() - interval '1 day';
  GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('lockouts', n);
  IF to_regclass('public.console_sessions') IS NOT NULL THEN
    EXECUTE 'DELETE FROM console_sessions WHERE expires_at < now()';
    GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('sessions', n);
  END IF;
  RETURN r;
END
$$;

REVOKE ALL ON FUNCTION
  security_log_append(text, text, text, text, text, text, text, text, text, text, text, uuid, jsonb),
  security_lockout_state(text, text),
  security_lockout_fail(text, text, integer, integer, integer, integer),
  security_lockout_succeed(text, text), security_lockout_clear(text, text),
  security_signing_keys(), security_rotate_signing_key(text, text, boolean, text),
  security_revoke_grants(text, text), security_revoke_sessions(),
  security_set_agent_secret(text, text), security_set_client_secret(text, text),
  security_public_client_redirect_uris(), security_active_grants(), security_purge_expired()
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  security_log_append(text, text, text, text, text, text, text, text, text, text, text, uuid, jsonb),
  security_lockout_state(text, text),
  security_lockout_fail(text, text, integer, integer, integer, integer),
  security_lockout_succeed(text, text), security_lockout_clear(text, text),
  security_signing_keys(), security_rotate_signing_key(text, text, boolean, text),
  security_revoke_grants(text, text), security_revoke_sessions(),
  security_set_agent_secret(text, text), security_set_client_secret(text, text),
  security_public_client_redirect_uris(), security_active_grants(), security_purge_expired()
TO auth_agent_app;
