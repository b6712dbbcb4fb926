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

-- The parameters (scheme, iterations, salt) of a confidential client's secret hash, for a
-- rotation with an overlap (app_rotate_client_secret). Never the hash itself.
CREATE OR REPLACE FUNCTION app_client_secret_params(p_client_ref uuid)
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT auth_hash_params(c.secret_hash) FROM clients c
  WHERE c.id = p_client_ref AND c.secret_hash IS NOT NULL
    AND (c.owner_id = app_current_user_id() OR app_is_admin())
$$;

-- Replaces a confidential client's secret. With p_overlap_seconds > 0 the replaced secret
-- keeps working that long (02-principals.sql, auth_secret_matches); the new hash must then
-- have the same parameters, so that one proof can be compared with both. With 0 the replaced
-- secret stops at once, and so does any earlier one still in its overlap. The public
-- client_id, or NULL when the caller may not change this client or it has no secret.
CREATE OR REPLACE FUNCTION app_rotate_client_secret(p_client_ref uuid, p_secret_hash text,
  p_overlap_seconds integer)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  rotated text;
BEGIN
  IF p_overlap_seconds < 0 OR p_secret_hash !~ '^pbkdf2-sha256[$][0-9]+[$][A-Za-z0-9_-]+[$][A-Za-z0-9_-]+$' THEN
    RAISE EXCEPTION 'not a secret hash or overlap' USING ERRCODE = '22023';
  END IF;
  UPDATE clients c
  SET previous_secret_hash = CASE WHEN p_overlap_seconds > 0 THEN c.secret_hash END,
      previous_secret_expires_at =
        CASE WHEN p_overlap_seconds > 0 THEN now() + make_interval(secs => p_overlap_seconds) END,
      secret_hash = p_secret_hash, updated_at = now()
  WHERE c.id = p_client_ref AND c.secret_hash IS NOT NULL
    AND (c.owner_id = app_current_user_id() OR app_is_admin())
    AND (p_overlap_seconds = 0 OR auth_hash_params(c.secret_hash) = auth_hash_params(p_secret_hash))
  RETURNING c.client_id INTO rotated;
  RETURN rotated;
END
$$;

-- Ends a rotation's overlap: the replaced secret stops working now. The public client_id if
-- there was an overlap to end, else NULL.
CREATE OR REPLACE FUNCTION app_end_secret_overlap(p_client_ref uuid)
RETURNS text
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  UPDATE clients c SET previous_secret_hash = NULL, previous_secret_expires_at = NULL,
    updated_at = now()
  WHERE c.id = p_client_ref AND c.previous_secret_hash IS NOT NULL
    AND (c.owner_id = app_current_user_id() OR app_is_admin())
  RETURNING c.client_id
$$;

-- The websites an agent may sign in to (015_console_owner_controls.sql): their client_id and
-- public name, for an agent the caller may see.
CREATE OR REPLACE FUNCTION app_agent_websites(p_agent_ref uuid)
RETURNS TABLE (client_id text, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT c.client_id, c.name
  FROM agent_allowed_clients w
  JOIN agents a ON a.id = w.agent_ref
  JOIN clients c ON c.id = w.client_ref
  WHERE w.agent_ref = p_agent_ref AND (a.owner_id = app_current_user_id() OR app_is_admin())
  ORDER BY c.name, c.client_id
$$;

-- Replaces the list of websites an agent may sign in to (empty: any). Websites are named by
-- their public client_id and may be anyone's. Answers the client_ids that name no website
-- (then nothing changes), or NULL when the caller may not change this agent.
CREATE OR REPLACE FUNCTION app_set_agent_websites(p_agent_ref uuid, p_client_ids text[])
RETURNS text[]
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  unknown text[];
BEGIN
  IF NOT EXISTS (SELECT 1 FROM agents a WHERE a.id = p_agent_ref
                 AND (a.owner_id = app_current_user_id() OR app_is_admin())) THEN
    RETURN NULL;
  END IF;
  SELECT coalesce(array_agg(x.id), '{}') INTO unknown
  FROM unnest(p_client_ids) AS x(id)
  WHERE NOT EXISTS (SELECT 1 FROM clients c WHERE c.client_id = x.id);
  IF cardinality(unknown) > 0 THEN RETURN unknown; END IF;
  DELETE FROM agent_allowed_clients WHERE agent_ref = p_agent_ref;
  INSERT INTO agent_allowed_clients (agent_ref, client_ref)
  SELECT DISTINCT p_agent_ref, c.id FROM clients c WHERE c.client_id = ANY (p_client_ids);
  RETURN '{}';
END
$$;

-- The APIs the agent's owner registered, and whether the agent may obtain tokens for each
-- (022_agent_allowed_apis.sql; none allowed: any), for an agent the caller may see.
CREATE OR REPLACE FUNCTION app_agent_apis(p_agent_ref uuid)
RETURNS TABLE (api_id text, identifier text, name text, allowed boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT s.api_id, s.identifier, s.name,
         EXISTS (SELECT 1 FROM agent_allowed_apis w WHERE w.agent_ref = a.id AND w.api_ref = s.id)
  FROM agents a
  JOIN resource_servers s ON s.owner_id = a.owner_id
  WHERE a.id = p_agent_ref AND (a.owner_id = app_current_user_id() OR app_is_admin())
  ORDER BY s.name, s.api_id
$$;

-- Replaces the list of APIs an agent may obtain tokens for (empty: any). Only the agent's
-- owner's own APIs, named by api_id, may be listed: answers the api_ids that name none of
-- them (then nothing changes), or NULL when the caller may not change this agent.
CREATE OR REPLACE FUNCTION app_set_agent_apis(p_agent_ref uuid, p_api_ids text[])
RETURNS text[]
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  agent_owner uuid;
  unknown text[];
BEGIN
  SELECT a.owner_id INTO agent_owner FROM agents a WHERE a.id = p_agent_ref
    AND (a.owner_id = app_current_user_id() OR app_is_admin());
  IF agent_owner IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT coalesce(array_agg(x.id), '{}') INTO unknown
  FROM unnest(p_api_ids) AS x(id)
  WHERE NOT EXISTS (SELECT 1 FROM resource_servers s
                    WHERE s.api_id = x.id AND s.owner_id = agent_owner);
  IF cardinality(unknown) > 0 THEN RETURN unknown; END IF;
  DELETE FROM agent_allowed_apis WHERE agent_ref = p_agent_ref;
  INSERT INTO agent_allowed_apis (agent_ref, api_ref)
  SELECT DISTINCT p_agent_ref, s.id FROM resource_servers s
  WHERE s.api_id = ANY (p_api_ids) AND s.owner_id = agent_owner;
  RETURN '{}';
END
$$;

REVOKE ALL ON FUNCTION
  app_owns_principal(text, text), app_lock_state(text, text), app_client_agents(uuid),
  app_client_secret_params(uuid), app_rotate_client_secret(uuid, text, integer),
  app_end_secret_overlap(uuid), app_agent_websites(uuid), app_set_agent_websites(uuid, text[]),
  app_agent_apis(uuid), app_set_agent_apis(uuid, text[])
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  app_lock_state(text, text), app_client_agents(uuid), app_client_secret_params(uuid),
  app_rotate_client_secret(uuid, text, integer), app_end_secret_overlap(uuid),
  app_agent_websites(uuid), app_set_agent_websites(uuid, text[]), app_agent_apis(uuid),
  app_set_agent_apis(uuid, text[])
TO auth_agent_app;
