-- Fewer round trips per request (issue 6, bench/ANALYSIS.md). Three changes, each keeping
-- every check the longer path makes:
--
-- 1. Secret checks fetch the principal and its lockout state in one call
--    (oauth_client_auth, oauth_agent_auth) instead of two.
-- 2. When this process has already verified the presented secret (crypto/secret-verifier.ts
--    remembers the secret_version it verified), the grant runs in the same call as a re-check
--    of the row: same secret_version, not disabled (nor its owner), not locked. Any mismatch
--    answers 'principal_changed' before anything is touched, and the server takes the full
--    path with PBKDF2. Rotation, disable, delete and lockout therefore take effect at once.
-- 3. Security events are appended in batches (security_log_append_batch).

-- The re-check below trusts secret_version. Every writer in this code bumps it with the hash;
-- this makes it hold for any other writer too (a manual UPDATE, a future migration).
CREATE FUNCTION bump_secret_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.secret_hash IS DISTINCT FROM OLD.secret_hash
     AND NEW.secret_version = OLD.secret_version THEN
    NEW.secret_version := OLD.secret_version + 1;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER agents_secret_version BEFORE UPDATE OF secret_hash ON agents
  FOR EACH ROW EXECUTE FUNCTION bump_secret_version();
CREATE TRIGGER clients_secret_version BEFORE UPDATE OF secret_hash ON clients
  FOR EACH ROW EXECUTE FUNCTION bump_secret_version();

CREATE FUNCTION oauth_client_auth(p_client_id text, p_lockout_key text)
RETURNS TABLE (id uuid, client_id text, secret_hash text, secret_version integer, name text,
               redirect_uris text[], disabled boolean, locked boolean, retry_after integer,
               failure_count integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  -- Always one row: an unknown client still reports its lockout state (ids are locked
  -- whether or not they exist, security/lockout.ts).
  RETURN QUERY
  SELECT c.id, c.client_id, c.secret_hash, c.secret_version, c.name, c.redirect_uris,
         (c.disabled_at IS NOT NULL OR u.disabled_at IS NOT NULL),
         coalesce(l.locked_until > now(), false),
         greatest(0, ceil(extract(epoch FROM l.locked_until - now())))::integer,
         l.failures
  FROM (SELECT 1) AS one
  LEFT JOIN (clients c JOIN users u ON u.id = c.owner_id) ON c.client_id = p_client_id
  LEFT JOIN lockouts l ON l.subject_type = 'client' AND l.subject_key = p_lockout_key;
END
$$;

CREATE FUNCTION oauth_agent_auth(p_agent_id text, p_lockout_key text)
RETURNS TABLE (id uuid, agent_id text, secret_hash text, secret_version integer,
               disabled boolean, locked boolean, retry_after integer, failure_count integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT a.id, a.agent_id, a.secret_hash, a.secret_version,
         (a.disabled_at IS NOT NULL OR u.disabled_at IS NOT NULL),
         coalesce(l.locked_until > now(), false),
         greatest(0, ceil(extract(epoch FROM l.locked_until - now())))::integer,
         l.failures
  FROM (SELECT 1) AS one
  LEFT JOIN (agents a JOIN users u ON u.id = a.owner_id) ON a.agent_id = p_agent_id
  LEFT JOIN lockouts l ON l.subject_type = 'agent' AND l.subject_key = p_lockout_key;
END
$$;

-- The re-check of a remembered secret: the row's id if it still has this secret_version, is
-- enabled (and so is its owner) and is not locked; NULL otherwise. A success clears an
-- earlier, unlocked failure count, as security_lockout_succeed does on the full path.
-- Internal: called only from the functions below, never granted to the application.
CREATE FUNCTION oauth_principal_recheck(p_type text, p_public_id text, p_lockout_key text,
  p_secret_version integer)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  ref uuid;
  lock_row lockouts%ROWTYPE;
BEGIN
  IF p_type = 'client' THEN
    SELECT c.id INTO ref FROM clients c JOIN users u ON u.id = c.owner_id
    WHERE c.client_id = p_public_id AND c.secret_version = p_secret_version
      AND c.secret_hash IS NOT NULL AND c.disabled_at IS NULL AND u.disabled_at IS NULL;
  ELSE
    SELECT a.id INTO ref FROM agents a JOIN users u ON u.id = a.owner_id
    WHERE a.agent_id = p_public_id AND a.secret_version = p_secret_version
      AND a.disabled_at IS NULL AND u.disabled_at IS NULL;
  END IF;
  IF ref IS NULL THEN RETURN NULL; END IF;
  SELECT * INTO lock_row FROM lockouts
  WHERE subject_type = p_type AND subject_key = p_lockout_key;
  IF FOUND THEN
    IF lock_row.locked_until > now() THEN RETURN NULL; END IF;
    DELETE FROM lockouts WHERE subject_type = p_type AND subject_key = p_lockout_key
      AND (locked_until IS NULL OR locked_until <= now());
  END IF;
  RETURN ref;
END
$$;

-- RFC 7662 for a signed access token, by a client whose secret this process remembers.
-- client_ref NULL: re-check failed, nothing else is answered.
CREATE FUNCTION oauth_introspect_access_as(p_client_id text, p_lockout_key text,
  p_secret_version integer, p_jti text, p_grant_id uuid)
RETURNS TABLE (client_ref uuid, active boolean, client_id text, agent_id text, user_email text,
               user_name text, email_verified boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  ref uuid;
BEGIN
  ref := oauth_principal_recheck('client', p_client_id, p_lockout_key, p_secret_version);
  IF ref IS NULL THEN
    RETURN QUERY SELECT NULL::uuid, NULL::boolean, NULL::text, NULL::text, NULL::text,
                        NULL::text, NULL::boolean;
    RETURN;
  END IF;
  RETURN QUERY
  SELECT ref, s.active, s.client_id, s.agent_id, s.user_email, s.user_name, s.email_verified
  FROM (SELECT 1) AS one LEFT JOIN oauth_access_token_state(p_jti, p_grant_id) s ON true;
END
$$;

-- Refresh rotation (oauth_rotate_refresh) by a client whose secret this process remembers.
CREATE FUNCTION oauth_rotate_refresh_as(p_client_id text, p_lockout_key text,
  p_secret_version integer, p_token_hash text, p_scope text, p_new_hash text,
  p_ttl_seconds integer)
RETURNS TABLE (outcome text, grant_id uuid, agent_id text, scope text, model text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  ref uuid;
BEGIN
  ref := oauth_principal_recheck('client', p_client_id, p_lockout_key, p_secret_version);
  IF ref IS NULL THEN
    RETURN QUERY SELECT 'principal_changed'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  RETURN QUERY SELECT * FROM oauth_rotate_refresh(p_token_hash, ref, p_scope, p_new_hash,
                                                  p_ttl_seconds);
END
$$;

-- Code redemption (oauth_exchange_code) by a client whose secret this process remembers.
CREATE FUNCTION oauth_exchange_code_as(p_client_id text, p_lockout_key text,
  p_secret_version integer, p_code_hash text, p_redirect_uri text, p_verifier_challenge text,
  p_refresh_hash text, p_refresh_ttl_seconds integer)
RETURNS TABLE (outcome text, grant_id uuid, agent_id text, scope text, model text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  ref uuid;
BEGIN
  ref := oauth_principal_recheck('client', p_client_id, p_lockout_key, p_secret_version);
  IF ref IS NULL THEN
    RETURN QUERY SELECT 'principal_changed'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  RETURN QUERY SELECT * FROM oauth_exchange_code(p_code_hash, ref, p_redirect_uri,
                                                 p_verifier_challenge, p_refresh_hash,
                                                 p_refresh_ttl_seconds);
END
$$;

-- An agent's sign-in (oauth_complete_request) by an agent whose secret this process
-- remembers. The request's own outcomes ('not_found', 'expired', ...) come back unchanged.
CREATE FUNCTION oauth_complete_request_as(p_agent_id text, p_lockout_key text,
  p_secret_version integer, p_request_hash text, p_model text, p_code_hash text,
  p_code_ttl_seconds integer)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  ref uuid;
BEGIN
  ref := oauth_principal_recheck('agent', p_agent_id, p_lockout_key, p_secret_version);
  IF ref IS NULL THEN RETURN 'principal_changed'; END IF;
  RETURN oauth_complete_request(p_request_hash, ref, p_model, p_code_hash, p_code_ttl_seconds);
END
$$;

-- Many security events in one statement. The owners of each entry are found as
-- security_log_append finds them; occurred_at is the time the server saw the event.
CREATE FUNCTION security_log_append_batch(p_events jsonb)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  n integer;
BEGIN
  INSERT INTO security_events (occurred_at, event, outcome, actor_type, actor_id, target_type,
                               target_id, ip, user_agent, request_id, owner_ids, details)
  SELECT coalesce(e.occurred_at, now()), e.event, e.outcome, e.actor_type, left(e.actor_id, 320),
         e.target_type, left(e.target_id, 320), left(e.ip, 64), left(e.user_agent, 512),
         left(e.request_id, 128),
         coalesce((SELECT array_agg(DISTINCT o) FILTER (WHERE o IS NOT NULL) FROM (
           SELECT owner_id AS o FROM agents WHERE e.agent_id IS NOT NULL AND agent_id = e.agent_id
           UNION ALL
           SELECT owner_id FROM clients WHERE e.client_id IS NOT NULL AND client_id = e.client_id
           UNION ALL
           SELECT id FROM users
           WHERE e.user_id ~ '^[0-9a-fA-F-]{36}$' AND id = e.user_id::uuid
         ) AS found), '{}'),
         coalesce(e.details, '{}')
  FROM jsonb_to_recordset(p_events) AS e(occurred_at timestamptz, event text, outcome text,
    actor_type text, actor_id text, target_type text, target_id text, ip text, user_agent text,
    request_id text, agent_id text, client_id text, user_id text, details jsonb);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

REVOKE ALL ON FUNCTION
  oauth_client_auth(text, text), oauth_agent_auth(text, text),
  oauth_principal_recheck(text, text, text, integer),
  oauth_introspect_access_as(text, text, integer, text, uuid),
  oauth_rotate_refresh_as(text, text, integer, text, text, text, integer),
  oauth_exchange_code_as(text, text, integer, text, text, text, text, integer),
  oauth_complete_request_as(text, text, integer, text, text, text, integer),
  security_log_append_batch(jsonb)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  oauth_client_auth(text, text), oauth_agent_auth(text, text),
  oauth_introspect_access_as(text, text, integer, text, uuid),
  oauth_rotate_refresh_as(text, text, integer, text, text, text, integer),
  oauth_exchange_code_as(text, text, integer, text, text, text, text, integer),
  oauth_complete_request_as(text, text, integer, text, text, text, integer),
  security_log_append_batch(jsonb)
TO auth_agent_app;
