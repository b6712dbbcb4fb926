-- The OAuth endpoints' whole view of the database. Each function is one domain step, runs
-- as the schema owner (SECURITY DEFINER) and touches only the rows its arguments name, so
-- the application role never needs table-wide access to agents, clients or tokens.

CREATE FUNCTION oauth_client(p_client_id text)
RETURNS TABLE (id uuid, client_id text, secret_hash text, secret_version integer, name text,
               redirect_uris text[], disabled boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT c.id, c.client_id, c.secret_hash, c.secret_version, c.name, c.redirect_uris,
         (c.disabled_at IS NOT NULL OR u.disabled_at IS NOT NULL)
  FROM clients c JOIN users u ON u.id = c.owner_id
  WHERE c.client_id = p_client_id
$$;

CREATE FUNCTION oauth_agent(p_agent_id text)
RETURNS TABLE (id uuid, agent_id text, secret_hash text, secret_version integer, disabled boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT a.id, a.agent_id, a.secret_hash, a.secret_version,
         (a.disabled_at IS NOT NULL OR u.disabled_at IS NOT NULL)
  FROM agents a JOIN users u ON u.id = a.owner_id
  WHERE a.agent_id = p_agent_id
$$;

CREATE FUNCTION oauth_create_request(p_request_hash text, p_client_ref uuid, p_redirect_uri text,
  p_state text, p_code_challenge text, p_scope text, p_browser_hash text, p_ttl_seconds integer)
RETURNS timestamptz
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  INSERT INTO auth_requests (request_hash, client_ref, redirect_uri, state, code_challenge, scope,
                             browser_hash, expires_at)
  VALUES (p_request_hash, p_client_ref, p_redirect_uri, p_state, p_code_challenge, p_scope,
          p_browser_hash, now() + make_interval(secs => p_ttl_seconds))
  RETURNING expires_at
$$;

-- 'expired' is derived, never stored: a pending request past its expiry is expired.
CREATE FUNCTION oauth_request_status(p_request_hash text)
RETURNS TABLE (status text, redirect_uri text, state text, browser_hash text, expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT CASE WHEN r.status = 'pending' AND r.expires_at <= now() THEN 'expired' ELSE r.status END,
         r.redirect_uri, r.state, r.browser_hash, r.expires_at
  FROM auth_requests r
  WHERE r.request_hash = p_request_hash
$$;

-- Counts a wrong secret against one sign-in request; past the limit the request is denied.
CREATE FUNCTION oauth_record_failed_attempt(p_request_hash text, p_max_attempts integer)
RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  UPDATE auth_requests
  SET failed_attempts = failed_attempts + 1,
      status = CASE WHEN failed_attempts + 1 >= p_max_attempts THEN 'denied' ELSE status END,
      completed_at = CASE WHEN failed_attempts + 1 >= p_max_attempts THEN now() ELSE completed_at END
  WHERE request_hash = p_request_hash AND status = 'pending'
  RETURNING status
$$;

-- Marks a pending request authenticated and issues its single code, in one statement each
-- inside one function call: two agents racing on one request cannot both win.
CREATE FUNCTION oauth_complete_request(p_request_hash text, p_agent_ref uuid, p_model text,
  p_code_hash text, p_code_ttl_seconds integer)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  r auth_requests%ROWTYPE;
BEGIN
  UPDATE auth_requests
  SET status = 'authenticated', agent_ref = p_agent_ref, model = p_model, completed_at = now()
  WHERE request_hash = p_request_hash AND status = 'pending' AND expires_at > now()
  RETURNING * INTO r;
  IF NOT FOUND THEN
    SELECT * INTO r FROM auth_requests WHERE request_hash = p_request_hash;
    IF NOT FOUND THEN RETURN 'not_found'; END IF;
    IF r.status = 'pending' THEN RETURN 'expired'; END IF;
    RETURN r.status; -- 'authenticated' or 'denied'
  END IF;
  INSERT INTO auth_codes (code_hash, request_hash, client_ref, agent_ref, redirect_uri,
                          code_challenge, scope, model, expires_at)
  VALUES (p_code_hash, p_request_hash, r.client_ref, p_agent_ref, r.redirect_uri,
          r.code_challenge, r.scope, p_model, now() + make_interval(secs => p_code_ttl_seconds));
  RETURN 'ok';
END
$$;

-- Redeems a code (RFC 6749 §4.1.3, RFC 7636 §4.6) atomically: consumption, PKCE and
-- redirect_uri checks and the new grant with its first refresh token happen in one call.
-- A second redemption revokes the grant the first one created (RFC 6749 §4.1.2,
-- RFC 9700 §4.2.4). p_verifier_challenge is BASE64URL(SHA256(code_verifier)).
CREATE FUNCTION oauth_exchange_code(p_code_hash text, p_client_ref uuid, p_redirect_uri text,
  p_verifier_challenge text, p_refresh_hash text, p_refresh_ttl_seconds integer)
RETURNS TABLE (outcome text, grant_id uuid, agent_id text, scope text, model text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  c auth_codes%ROWTYPE;
  a agents%ROWTYPE;
  owner_disabled boolean;
  new_grant uuid;
BEGIN
  UPDATE auth_codes SET consumed_at = now()
  WHERE code_hash = p_code_hash AND client_ref = p_client_ref AND consumed_at IS NULL
  RETURNING * INTO c;
  IF NOT FOUND THEN
    SELECT * INTO c FROM auth_codes WHERE code_hash = p_code_hash AND client_ref = p_client_ref;
    IF FOUND THEN
      UPDATE grants SET revoked_at = now(), revoke_reason = 'code_replay'
      WHERE code_hash = p_code_hash AND revoked_at IS NULL;
      RETURN QUERY SELECT 'replayed'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    ELSE
      RETURN QUERY SELECT 'invalid'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    END IF;
    RETURN;
  END IF;
  IF c.expires_at <= now() THEN
    RETURN QUERY SELECT 'expired'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  IF c.redirect_uri <> p_redirect_uri THEN
    RETURN QUERY SELECT 'redirect_mismatch'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  IF c.code_challenge <> p_verifier_challenge THEN
    RETURN QUERY SELECT 'pkce_mismatch'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  SELECT * INTO a FROM agents WHERE id = c.agent_ref;
  SELECT u.disabled_at IS NOT NULL INTO owner_disabled FROM users u WHERE u.id = a.owner_id;
  IF a.disabled_at IS NOT NULL OR owner_disabled THEN
    RETURN QUERY SELECT 'agent_disabled'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  INSERT INTO grants (agent_ref, client_ref, agent_owner_id, client_owner_id, code_hash, scope,
                      model, expires_at)
  SELECT c.agent_ref, c.client_ref, a.owner_id, cl.owner_id, c.code_hash, c.scope, c.model,
         now() + make_interval(secs => p_refresh_ttl_seconds)
  FROM clients cl WHERE cl.id = c.client_ref
  RETURNING id INTO new_grant;
  INSERT INTO refresh_tokens (token_hash, grant_id, expires_at)
  VALUES (p_refresh_hash, new_grant, now() + make_interval(secs => p_refresh_ttl_seconds));
  RETURN QUERY SELECT 'ok'::text, new_grant, a.agent_id, c.scope, c.model;
END
$$;

-- Rotates a refresh token (RFC 6749 §6, RFC 9700 §4.14.2). Presenting a token that was
-- already rotated is reuse: the whole family (the grant) is revoked.
CREATE FUNCTION oauth_rotate_refresh(p_token_hash text, p_client_ref uuid, p_scope text,
  p_new_hash text, p_ttl_seconds integer)
RETURNS TABLE (outcome text, grant_id uuid, agent_id text, scope text, model text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  t refresh_tokens%ROWTYPE;
  g grants%ROWTYPE;
  agent_public_id text;
  usable boolean;
BEGIN
  SELECT rt.* INTO t FROM refresh_tokens rt
  JOIN grants gr ON gr.id = rt.grant_id
  WHERE rt.token_hash = p_token_hash AND gr.client_ref = p_client_ref;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'invalid'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  SELECT * INTO g FROM grants WHERE id = t.grant_id;
  IF p_scope IS NOT NULL AND NOT (string_to_array(p_scope, ' ') <@ string_to_array(g.scope, ' ')) THEN
    -- RFC 6749 §6: a refresh may narrow the scope, never widen it. The token stays unspent.
    RETURN QUERY SELECT 'invalid_scope'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  UPDATE refresh_tokens SET rotated_at = now()
  WHERE token_hash = p_token_hash AND rotated_at IS NULL
  RETURNING * INTO t;
  IF NOT FOUND THEN
    UPDATE grants SET revoked_at = now(), revoke_reason = 'refresh_reuse'
    WHERE id = (SELECT rt.grant_id FROM refresh_tokens rt WHERE rt.token_hash = p_token_hash)
      AND revoked_at IS NULL;
    RETURN QUERY SELECT 'reused'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  SELECT * INTO g FROM grants WHERE id = t.grant_id FOR UPDATE;
  IF g.revoked_at IS NOT NULL THEN
    RETURN QUERY SELECT 'revoked'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  IF t.expires_at <= now() OR g.expires_at <= now() THEN
    RETURN QUERY SELECT 'expired'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  SELECT a.agent_id, (a.disabled_at IS NULL AND u.disabled_at IS NULL AND c.disabled_at IS NULL)
  INTO agent_public_id, usable
  FROM agents a JOIN users u ON u.id = a.owner_id, clients c
  WHERE a.id = g.agent_ref AND c.id = g.client_ref;
  IF NOT usable THEN
    RETURN QUERY SELECT 'agent_disabled'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  INSERT INTO refresh_tokens (token_hash, grant_id, expires_at)
  VALUES (p_new_hash, g.id, least(g.expires_at, now() + make_interval(secs => p_ttl_seconds)));
  UPDATE grants SET last_used_at = now() WHERE id = g.id;
  RETURN QUERY SELECT 'ok'::text, g.id, agent_public_id, coalesce(p_scope, g.scope), g.model;
END
$$;

-- What introspection and userinfo need to know about a signed access token beyond its
-- signature: is its grant still live, is it individually revoked, and who is the agent.
CREATE FUNCTION oauth_access_token_state(p_jti text, p_grant_id uuid)
RETURNS TABLE (active boolean, client_id text, agent_id text, user_email text, user_name text,
               email_verified boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT (g.revoked_at IS NULL AND a.disabled_at IS NULL AND u.disabled_at IS NULL
          AND c.disabled_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM revoked_access_tokens r WHERE r.jti = p_jti)),
         c.client_id, a.agent_id, a.user_email, a.user_name, a.email_verified
  FROM grants g
  JOIN agents a ON a.id = g.agent_ref
  JOIN users u ON u.id = a.owner_id
  JOIN clients c ON c.id = g.client_ref
  WHERE g.id = p_grant_id
$$;

CREATE FUNCTION oauth_refresh_token_state(p_token_hash text)
RETURNS TABLE (active boolean, client_id text, agent_id text, scope text, model text,
               issued_at timestamptz, expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT (t.rotated_at IS NULL AND t.expires_at > now() AND g.revoked_at IS NULL
          AND a.disabled_at IS NULL AND u.disabled_at IS NULL AND c.disabled_at IS NULL),
         c.client_id, a.agent_id, g.scope, g.model, t.created_at, t.expires_at
  FROM refresh_tokens t
  JOIN grants g ON g.id = t.grant_id
  JOIN agents a ON a.id = g.agent_ref
  JOIN users u ON u.id = a.owner_id
  JOIN clients c ON c.id = g.client_ref
  WHERE t.token_hash = p_token_hash
$$;

-- RFC 7009 §2.1: revoking a refresh token revokes its family. Only the owning client may.
CREATE FUNCTION oauth_revoke_refresh(p_token_hash text, p_client_ref uuid)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH target AS (
    SELECT g.id FROM refresh_tokens t JOIN grants g ON g.id = t.grant_id
    WHERE t.token_hash = p_token_hash AND g.client_ref = p_client_ref
  ), revoked AS (
    UPDATE grants SET revoked_at = now(), revoke_reason = 'revoked_by_client'
    WHERE id IN (SELECT id FROM target) AND revoked_at IS NULL
    RETURNING id
  )
  SELECT EXISTS (SELECT 1 FROM target)
$$;

CREATE FUNCTION oauth_revoke_access(p_jti text, p_grant_id uuid, p_client_ref uuid,
  p_expires_at timestamptz)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH inserted AS (
    INSERT INTO revoked_access_tokens (jti, grant_id, expires_at)
    SELECT p_jti, g.id, p_expires_at FROM grants g
    WHERE g.id = p_grant_id AND g.client_ref = p_client_ref
    ON CONFLICT (jti) DO NOTHING
    RETURNING jti
  )
  SELECT EXISTS (SELECT 1 FROM grants g WHERE g.id = p_grant_id AND g.client_ref = p_client_ref)
$$;

-- Owners are looked up by email before any per-user context exists (CLI, console log-in).
CREATE FUNCTION app_user_by_email(p_email text)
RETURNS TABLE (id uuid, email text, password_hash text, role text, disabled boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT u.id, u.email, u.password_hash, u.role, u.disabled_at IS NOT NULL
  FROM users u WHERE lower(u.email) = lower(p_email)
$$;

CREATE FUNCTION app_register_user(p_email text, p_password_hash text, p_role text)
RETURNS uuid
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  INSERT INTO users (email, password_hash, role) VALUES (p_email, p_password_hash, p_role)
  RETURNING id
$$;

REVOKE ALL ON FUNCTION
  oauth_client(text), oauth_agent(text),
  oauth_create_request(text, uuid, text, text, text, text, text, integer),
  oauth_request_status(text), oauth_record_failed_attempt(text, integer),
  oauth_complete_request(text, uuid, text, text, integer),
  oauth_exchange_code(text, uuid, text, text, text, integer),
  oauth_rotate_refresh(text, uuid, text, text, integer),
  oauth_access_token_state(text, uuid), oauth_refresh_token_state(text),
  oauth_revoke_refresh(text, uuid), oauth_revoke_access(text, uuid, uuid, timestamptz),
  app_user_by_email(text), app_register_user(text, text, text)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  oauth_client(text), oauth_agent(text),
  oauth_create_request(text, uuid, text, text, text, text, text, integer),
  oauth_request_status(text), oauth_record_failed_attempt(text, integer),
  oauth_complete_request(text, uuid, text, text, integer),
  oauth_exchange_code(text, uuid, text, text, text, integer),
  oauth_rotate_refresh(text, uuid, text, text, integer),
  oauth_access_token_state(text, uuid), oauth_refresh_token_state(text),
  oauth_revoke_refresh(text, uuid), oauth_revoke_access(text, uuid, uuid, timestamptz),
  app_user_by_email(text), app_register_user(text, text, text)
TO auth_agent_app;
