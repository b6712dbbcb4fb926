-- What an owner sees and controls on an agent's or website's console page, beyond its own
-- rows: its lock state, the agents signed in to a website. Each function answers only for an
-- object the verified caller (01-rls.sql) owns, or for an admin.

-- May the caller act on this agent or client (by its public id)? Its owner or an admin.
CREATE OR REPLACE FUNCTION app_owns_principal(p_kind text, p_public_id text)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
  SELECT CASE p_kind
    WHEN 'agent' THEN EXISTS (SELECT 1 FROM agents a WHERE a.agent_id = p_public_id
                                AND (a.owner_id = app_current_user_id() OR app_is_admin()))
    WHEN 'client' THEN EXISTS (SELECT 1 FROM clients c WHERE c.client_id = p_public_id
                                 AND (c.owner_id = app_current_user_id() OR app_is_admin()))
    ELSE false END
$$;

-- The lock state of an agent or client (03-lockout.sql): until when its identity is locked
-- for every untrusted source, until when the last of its sources is locked, and how many
-- sources are locked now. No row when the caller may not see it.
CREATE OR REPLACE FUNCTION app_lock_state(p_kind text, p_public_id text)
RETURNS TABLE (identity_locked_until timestamptz, source_locked_until timestamptz,
               locked_sources integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT max(l.locked_until) FILTER (WHERE l.source_key = '*' AND auth_locked(l.locked_until)),
         max(l.locked_until) FILTER (WHERE l.source_key <> '*' AND auth_locked(l.locked_until)),
         (count(*) FILTER (WHERE l.source_key <> '*' AND auth_locked(l.locked_until)))::integer
  FROM (SELECT 1) AS one
  LEFT JOIN lockouts l ON l.subject_type = p_kind
    AND l.subject_key = auth_subject_key(p_kind, p_public_id)
  WHERE app_owns_principal(p_kind, p_public_id)
$$;

-- The agents signed in to one website (its live grants, one row per agent). Agents belong to
-- other owners, so RLS would hide them; this returns only the agent's public id and the name
-- the website is given anyway, and only for a website the caller may see.
CREATE OR REPLACE FUNCTION app_client_agents(p_client_ref uuid)
RETURNS TABLE (agent_ref uuid, agent_id text, user_name text, grants integer,
               models text, first_signed_in timestamptz, last_used_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT a.id, a.agent_id, a.user_name, count(*)::integer,
         string_agg(DISTINCT g.model, ', '), min(g.created_at), max(g.last_used_at)
  FROM grants g
  JOIN clients c ON c.id = g.client_ref
  JOIN agents a ON a.id = g.agent_ref
  WHERE g.client_ref = p_client_ref
    AND (c.owner_id = app_current_user_id() OR app_is_admin())
    AND g.revoked_at IS NULL AND g.expires_at > now()
  GROUP BY a.id, a.agent_id, a.user_name
  ORDER BY max(g.last_used_at) DESC
$$;

REVOKE ALL ON FUNCTION
  app_owns_principal(text, text), app_lock_state(text, text), app_client_agents(uuid)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_lock_state(text, text), app_client_agents(uuid) TO auth_agent_app;
