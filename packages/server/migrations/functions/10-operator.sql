-- The operator's view of every owner's objects, for `auth-agent user|agent|client list` and
-- `delete`. Row-level security shows the application role only one owner's rows (or an
-- admin's view, which needs an admin to exist); the CLI acts for whoever runs the server,
-- who already holds the database credentials or the data directory. The console never calls
-- these: it reaches its objects through RLS.

CREATE OR REPLACE FUNCTION operator_users()
RETURNS TABLE (id uuid, email text, role text, disabled boolean, email_verified boolean,
               agent_count integer, client_count integer, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT u.id, u.email, u.role, u.disabled_at IS NOT NULL, u.email_verified_at IS NOT NULL,
         (SELECT count(*)::integer FROM agents a WHERE a.owner_id = u.id),
         (SELECT count(*)::integer FROM clients c WHERE c.owner_id = u.id),
         u.created_at
  FROM users u ORDER BY u.created_at, u.email
$$;

CREATE OR REPLACE FUNCTION operator_admin_count()
RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT count(*)::integer FROM users WHERE role = 'admin' AND disabled_at IS NULL $$;

-- Locked: some source (or, under attack, every untrusted source) is locked out of it now.
CREATE OR REPLACE FUNCTION operator_subject_locked(p_kind text, p_public_id text)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
  SELECT EXISTS (SELECT 1 FROM lockouts l
                 WHERE l.subject_type = p_kind AND l.subject_key = auth_subject_key(p_kind, p_public_id)
                   AND auth_locked(l.locked_until))
$$;

CREATE OR REPLACE FUNCTION operator_agents(p_owner_email text)
RETURNS TABLE (agent_id text, label text, user_email text, user_name text, owner_email text,
               disabled boolean, locked boolean, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT a.agent_id, a.label, a.user_email, a.user_name, u.email, a.disabled_at IS NOT NULL,
         operator_subject_locked('agent', a.agent_id), a.created_at
  FROM agents a JOIN users u ON u.id = a.owner_id
  WHERE p_owner_email IS NULL OR lower(u.email) = lower(p_owner_email)
  ORDER BY a.created_at, a.agent_id
$$;

CREATE OR REPLACE FUNCTION operator_clients(p_owner_email text)
RETURNS TABLE (client_id text, name text, public boolean, redirect_uris text[],
               owner_email text, disabled boolean, locked boolean, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  -- A client that registered itself has no owner (owner_email NULL): hence the outer join.
  SELECT c.client_id, c.name, c.token_endpoint_auth_method = 'none', c.redirect_uris, u.email,
         c.disabled_at IS NOT NULL, operator_subject_locked('client', c.client_id), c.created_at
  FROM clients c LEFT JOIN users u ON u.id = c.owner_id
  WHERE p_owner_email IS NULL OR lower(u.email) = lower(p_owner_email)
  ORDER BY c.created_at, c.client_id
$$;

-- Deleting an agent or client cascades to its requests, codes, grants and tokens
-- (001_core.sql). Deleting an API leaves its tokens signed but inactive: no registered API
-- has their audience any more, so introspection by it and every new token for it are
-- refused. Either way its lockout rows go too, so an id used again starts unlocked.
-- false: no such object. An unknown kind raises CASE_NOT_FOUND.
CREATE OR REPLACE FUNCTION operator_delete_principal(p_kind text, p_public_id text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  CASE p_kind
    WHEN 'agent' THEN DELETE FROM agents WHERE agent_id = p_public_id;
    WHEN 'client' THEN DELETE FROM clients WHERE client_id = p_public_id;
    WHEN 'api' THEN DELETE FROM resource_servers WHERE api_id = p_public_id;
  END CASE;
  IF NOT FOUND THEN RETURN false; END IF;
  PERFORM security_lockout_clear(p_kind, p_public_id);
  RETURN true;
END
$$;

-- A user who owns agents, websites or APIs is deleted only with p_with_objects: deleting the
-- account deletes them too (and so every sign-in of them). found_user false: no such email.
CREATE OR REPLACE FUNCTION operator_delete_user(p_email text, p_with_objects boolean)
RETURNS TABLE (found_user boolean, deleted boolean, agent_count integer, client_count integer,
               api_count integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  uid uuid;
  n_agents integer;
  n_clients integer;
  n_apis integer;
BEGIN
  SELECT u.id INTO uid FROM users u WHERE lower(u.email) = lower(p_email);
  IF uid IS NULL THEN
    RETURN QUERY SELECT false, false, 0, 0, 0;
    RETURN;
  END IF;
  SELECT count(*)::integer INTO n_agents FROM agents a WHERE a.owner_id = uid;
  SELECT count(*)::integer INTO n_clients FROM clients c WHERE c.owner_id = uid;
  SELECT count(*)::integer INTO n_apis FROM resource_servers s WHERE s.owner_id = uid;
  IF n_agents + n_clients + n_apis > 0 AND NOT p_with_objects THEN
    RETURN QUERY SELECT true, false, n_agents, n_clients, n_apis;
    RETURN;
  END IF;
  DELETE FROM users u WHERE u.id = uid;
  PERFORM security_lockout_clear('user', lower(p_email));
  RETURN QUERY SELECT true, true, n_agents, n_clients, n_apis;
END
$$;

-- The operator's (the CLI, on the driver's privileged connection): the application role may
-- not list every account or delete anyone's objects (docs/security.md, "Database roles").
REVOKE ALL ON FUNCTION
  operator_users(), operator_admin_count(), operator_subject_locked(text, text),
  operator_agents(text), operator_clients(text), operator_delete_principal(text, text),
  operator_delete_user(text, boolean)
FROM PUBLIC, auth_agent_app;
