-- Incident response and housekeeping (the security guide's operations). Signing keys are in
-- 12-signing-keys.sql.

-- Incident response: revoke every live grant (and so its refresh tokens and access tokens)
-- of everything, one agent, one client, or everything one owner owns.
CREATE OR REPLACE FUNCTION security_revoke_grants(p_scope text, p_value text)
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

-- Ends every console session: every console user must log in again.
CREATE OR REPLACE FUNCTION security_revoke_sessions()
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  n integer;
BEGIN
  DELETE FROM console_sessions;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

CREATE OR REPLACE FUNCTION security_set_agent_secret(p_agent_id text, p_secret_hash text)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH changed AS (
    UPDATE agents SET secret_hash = p_secret_hash, updated_at = now()
    WHERE agent_id = p_agent_id RETURNING id
  )
  SELECT EXISTS (SELECT 1 FROM changed)
$$;

-- Public clients have no secret and keep none. An incident rotation ends any overlap: the
-- replaced secret stops at once.
CREATE OR REPLACE FUNCTION security_set_client_secret(p_client_id text, p_secret_hash text)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH changed AS (
    UPDATE clients SET secret_hash = p_secret_hash, previous_secret_hash = NULL,
      previous_secret_expires_at = NULL, updated_at = now()
    WHERE client_id = p_client_id AND secret_hash IS NOT NULL RETURNING id
  )
  SELECT EXISTS (SELECT 1 FROM changed)
$$;

CREATE OR REPLACE FUNCTION security_active_grants()
RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT count(*) FROM grants WHERE revoked_at IS NULL AND expires_at > now()
$$;

-- Housekeeping. Expired rows are kept a grace period first: consumed codes for a day so a
-- late replay is still recognised (RFC 6749 §4.1.2), dead grants for a week for
-- investigation. A client nobody owns (registered by itself, or by its metadata document) is
-- deleted once it has had no live grant for p_unused_client_seconds. Only one instance
-- purges at a time; the others skip (NULL).
CREATE OR REPLACE FUNCTION security_purge_expired(p_unused_client_seconds integer)
RETURNS jsonb
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  r jsonb := '{}';
  n integer;
  unused_since timestamptz := now() - make_interval(secs => p_unused_client_seconds);
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
  DELETE FROM clients c
  WHERE c.owner_id IS NULL AND c.created_at < unused_since
    AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.client_ref = c.id
                    AND g.revoked_at IS NULL AND greatest(g.last_used_at, g.expires_at) > unused_since)
    AND NOT EXISTS (SELECT 1 FROM auth_requests q WHERE q.client_ref = c.id
                    AND q.created_at > unused_since);
  GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('unused_clients', n);
  DELETE FROM client_assertion_jtis WHERE expires_at < now();
  GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('assertion_jtis', n);
  DELETE FROM registration_tokens WHERE expires_at < now() OR uses_left = 0;
  GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('registration_tokens', n);
  DELETE FROM lockouts WHERE NOT auth_locked(locked_until) AND updated_at < now() - interval '1 day';
  GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('lockouts', n);
  DELETE FROM auth_trusted_sources WHERE last_success_at < now() - interval '90 days';
  GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('trusted_sources', n);
  DELETE FROM console_sessions WHERE expires_at < now();
  GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('sessions', n);
  DELETE FROM dpop_proofs WHERE expires_at < now();
  GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('dpop_proofs', n);
  -- Withdrawn keys verify nothing; rows without material still mark the JWT_SECRET key.
  DELETE FROM signing_keys
  WHERE wrapped_key IS NOT NULL AND coalesce(revoked_at, withdraw_at) < now() - interval '7 days';
  GET DIAGNOSTICS n = ROW_COUNT; r := r || jsonb_build_object('signing_keys', n);
  RETURN r;
END
$$;

REVOKE ALL ON FUNCTION
  security_revoke_grants(text, text), security_revoke_sessions(),
  security_set_agent_secret(text, text), security_set_client_secret(text, text),
  security_active_grants(), security_purge_expired(integer)
FROM PUBLIC;
-- Incident response is the operator's (the CLI, on its privileged connection): the
-- application role may not revoke everything, end every session or replace any agent's or
-- client's secret. (The console changes its owner's own objects under row-level security.)
REVOKE ALL ON FUNCTION
  security_revoke_grants(text, text), security_revoke_sessions(),
  security_set_agent_secret(text, text), security_set_client_secret(text, text)
FROM auth_agent_app;
GRANT EXECUTE ON FUNCTION security_active_grants(), security_purge_expired(integer)
TO auth_agent_app;
