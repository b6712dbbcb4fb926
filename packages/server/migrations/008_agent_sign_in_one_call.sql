-- The full sign-in path (an agent secret this process has not verified yet) read the
-- request's status and then the agent with its lockout state: two round trips before the
-- PBKDF2 check. One call answers both. The request is still looked at first, so no PBKDF2
-- work is spent on an unknown, expired or finished request (a cheap flood stays cheap).
-- request_status is NULL for an unknown request; 'expired' is derived as in
-- oauth_request_status.

CREATE FUNCTION oauth_agent_auth_for_request(p_agent_id text, p_lockout_key text,
  p_request_hash text)
RETURNS TABLE (id uuid, agent_id text, secret_hash text, secret_version integer,
               disabled boolean, locked boolean, retry_after integer, failure_count integer,
               request_status text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT a.id, a.agent_id, a.secret_hash, a.secret_version, a.disabled, a.locked,
         a.retry_after, a.failure_count,
         (SELECT CASE WHEN r.status = 'pending' AND r.expires_at <= now() THEN 'expired'
                      ELSE r.status END
          FROM auth_requests r WHERE r.request_hash = p_request_hash)
  FROM oauth_agent_auth(p_agent_id, p_lockout_key) AS a;
END
$$;

REVOKE ALL ON FUNCTION oauth_agent_auth_for_request(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION oauth_agent_auth_for_request(text, text, text) TO auth_agent_app;

-- /authorize stored a sign-in request after a separate lookup of the client. When the client
-- exists, is enabled (and so is its owner) and registered exactly this redirect_uri (OAuth 2.1
-- §2.3.1, RFC 9700 §4.1.3: exact string comparison), this stores the request in the same
-- call. No row back: nothing was stored and /authorize takes its checking path, which names
-- the problem without redirecting to an unverified URI.
CREATE FUNCTION oauth_create_request_for(p_client_id text, p_redirect_uri text,
  p_request_hash text, p_state text, p_code_challenge text, p_scope text, p_browser_hash text,
  p_ttl_seconds integer)
RETURNS TABLE (expires_at timestamptz, client_id text, client_name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  c clients%ROWTYPE;
  expiry timestamptz;
BEGIN
  SELECT cl.* INTO c FROM clients cl JOIN users u ON u.id = cl.owner_id
  WHERE cl.client_id = p_client_id AND cl.disabled_at IS NULL AND u.disabled_at IS NULL
    AND p_redirect_uri = ANY (cl.redirect_uris);
  IF NOT FOUND THEN
    RETURN;
  END IF;
  INSERT INTO auth_requests (request_hash, client_ref, redirect_uri, state, code_challenge, scope,
                             browser_hash, expires_at)
  VALUES (p_request_hash, c.id, p_redirect_uri, p_state, p_code_challenge, p_scope,
          p_browser_hash, now() + make_interval(secs => p_ttl_seconds))
  RETURNING auth_requests.expires_at INTO expiry;
  RETURN QUERY SELECT expiry, c.client_id, c.name;
END
$$;

REVOKE ALL ON FUNCTION
  oauth_create_request_for(text, text, text, text, text, text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  oauth_create_request_for(text, text, text, text, text, text, text, integer) TO auth_agent_app;
