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
