-- The OAuth lookups that run on every request, rewritten from LANGUAGE sql to plpgsql with
-- the same signatures, bodies and privileges. A SECURITY DEFINER SQL function is never
-- inlined, and PostgreSQL (before 18) parses and plans its body again on every call;
-- plpgsql keeps the plan for the life of the connection. Measured with pgbench on the bench
-- machine: oauth_access_token_state 0.45 → 0.15 ms per call, oauth_client 0.45 → 0.17 ms.
-- CREATE OR REPLACE keeps the grants of 002_oauth_functions.sql.

CREATE OR REPLACE FUNCTION oauth_client(p_client_id text)
RETURNS TABLE (id uuid, client_id text, secret_hash text, secret_version integer, name text,
               redirect_uris text[], disabled boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT c.id, c.client_id, c.secret_hash, c.secret_version, c.name, c.redirect_uris,
         (c.disabled_at IS NOT NULL OR u.disabled_at IS NOT NULL)
  FROM clients c JOIN users u ON u.id = c.owner_id
  WHERE c.client_id = p_client_id;
END
$$;

CREATE OR REPLACE FUNCTION oauth_agent(p_agent_id text)
RETURNS TABLE (id uuid, agent_id text, secret_hash text, secret_version integer, disabled boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT a.id, a.agent_id, a.secret_hash, a.secret_version,
         (a.disabled_at IS NOT NULL OR u.disabled_at IS NOT NULL)
  FROM agents a JOIN users u ON u.id = a.owner_id
  WHERE a.agent_id = p_agent_id;
END
$$;

CREATE OR REPLACE FUNCTION oauth_create_request(p_request_hash text, p_client_ref uuid,
  p_redirect_uri text, p_state text, p_code_challenge text, p_scope text, p_browser_hash text,
  p_ttl_seconds integer)
RETURNS timestamptz
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  expiry timestamptz;
BEGIN
  INSERT INTO auth_requests (request_hash, client_ref, redirect_uri, state, code_challenge, scope,
                             browser_hash, expires_at)
  VALUES (p_request_hash, p_client_ref, p_redirect_uri, p_state, p_code_challenge, p_scope,
          p_browser_hash, now() + make_interval(secs => p_ttl_seconds))
  RETURNING auth_requests.expires_at INTO expiry;
  RETURN expiry;
END
$$;

-- 'expired' is derived, never stored: a pending request past its expiry is expired.
CREATE OR REPLACE FUNCTION oauth_request_status(p_request_hash text)
RETURNS TABLE (status text, redirect_uri text, state text, browser_hash text, expires_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT CASE WHEN r.status = 'pending' AND r.expires_at <= now() THEN 'expired' ELSE r.status END,
         r.redirect_uri, r.state, r.browser_hash, r.expires_at
  FROM auth_requests r
  WHERE r.request_hash = p_request_hash;
END
$$;

CREATE OR REPLACE FUNCTION oauth_access_token_state(p_jti text, p_grant_id uuid)
RETURNS TABLE (active boolean, client_id text, agent_id text, user_email text, user_name text,
               email_verified boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT (g.revoked_at IS NULL AND a.disabled_at IS NULL AND u.disabled_at IS NULL
          AND c.disabled_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM revoked_access_tokens r WHERE r.jti = p_jti)),
         c.client_id, a.agent_id, a.user_email, a.user_name, a.email_verified
  FROM grants g
  JOIN agents a ON a.id = g.agent_ref
  JOIN users u ON u.id = a.owner_id
  JOIN clients c ON c.id = g.client_ref
  WHERE g.id = p_grant_id;
END
$$;

CREATE OR REPLACE FUNCTION oauth_refresh_token_state(p_token_hash text)
RETURNS TABLE (active boolean, client_id text, agent_id text, scope text, model text,
               issued_at timestamptz, expires_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT (t.rotated_at IS NULL AND t.expires_at > now() AND g.revoked_at IS NULL
          AND a.disabled_at IS NULL AND u.disabled_at IS NULL AND c.disabled_at IS NULL),
         c.client_id, a.agent_id, g.scope, g.model, t.created_at, t.expires_at
  FROM refresh_tokens t
  JOIN grants g ON g.id = t.grant_id
  JOIN agents a ON a.id = g.agent_ref
  JOIN users u ON u.id = a.owner_id
  JOIN clients c ON c.id = g.client_ref
  WHERE t.token_hash = p_token_hash;
END
$$;
