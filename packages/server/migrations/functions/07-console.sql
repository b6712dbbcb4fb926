-- The console's functions: triggers that keep owners (and the application role acting for
-- them) from forging what only the server may decide, and the narrow SECURITY DEFINER steps
-- needed before a user context exists (sessions, log-in, email links, first-run setup).

-- For the application role and every login that is a member of it (the recommended login
-- role, even after RESET ROLE): only an admin may change a role or disable an account, and
-- nobody may change their own role. (Superusers and the schema owner, the operator, are not
-- limited.)
CREATE OR REPLACE FUNCTION users_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp
AS $$
BEGIN
  IF (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user)
     OR NOT pg_has_role(current_user, 'auth_agent_app', 'USAGE') THEN
    RETURN NEW;
  END IF;
  IF NEW.role IS DISTINCT FROM OLD.role AND (NOT app_is_admin() OR OLD.id = app_current_user_id()) THEN
    RAISE EXCEPTION 'only another admin may change a role' USING ERRCODE = '42501';
  END IF;
  IF NEW.disabled_at IS DISTINCT FROM OLD.disabled_at AND NOT app_is_admin() THEN
    RAISE EXCEPTION 'only an admin may disable or enable an account' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END
$$;

-- email_verified is never taken from the caller: it is true exactly when the owner verified
-- this address in the console. Changing user_email to another address clears it.
CREATE OR REPLACE FUNCTION agents_derive_email_verified() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  NEW.email_verified := EXISTS (
    SELECT 1 FROM verified_emails v
    WHERE v.user_id = NEW.owner_id AND v.email_lower = lower(NEW.user_email)
  );
  RETURN NEW;
END
$$;

-- A revoked grant stays revoked: no owner can bring a stolen refresh-token family back.
-- It names no table, so it needs no search_path of its own (a SET clause costs a
-- configuration save and restore on every row).
CREATE OR REPLACE FUNCTION grants_revocation_is_final() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
    RAISE EXCEPTION 'a revoked grant cannot be restored' USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END
$$;

-- The session behind a cookie, before any user context exists. Expired sessions (idle or
-- absolute) are deleted and yield no row; a live one has last_seen_at moved forward.
CREATE OR REPLACE FUNCTION app_console_session(p_id_hash text, p_idle_seconds integer)
RETURNS TABLE (user_id uuid, email text, role text, email_verified boolean,
               created_at timestamptz, expires_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  DELETE FROM console_sessions s
  WHERE s.id_hash = p_id_hash
    AND (s.expires_at <= now() OR s.last_seen_at + make_interval(secs => p_idle_seconds) <= now());
  RETURN QUERY
  WITH touched AS (
    UPDATE console_sessions s SET last_seen_at = now()
    FROM users u
    WHERE s.id_hash = p_id_hash AND u.id = s.user_id AND u.disabled_at IS NULL
    RETURNING u.id AS uid, u.email AS uemail, u.role AS urole,
              u.email_verified_at IS NOT NULL AS verified, s.created_at AS started,
              s.expires_at AS ends
  )
  SELECT t.uid, t.uemail, t.urole, t.verified, t.started, t.ends FROM touched t;
END
$$;

-- Console log-in: the password's proof is checked (02-principals.sql) and, if it holds, a new
-- session is stored (only its hash; a new id every time, so no session fixation) and the
-- user's sessions past their lifetime are dropped. `iterations` tells the server whether
-- the stored hash is older than its PBKDF2 setting (then it re-hashes the password).
-- A user with a second factor gets no session yet: p_session_hash names a pending log-in
-- (second_factor true) that app_second_factor_complete (15-accounts.sql) turns into one.
CREATE OR REPLACE FUNCTION app_user_login(p_email text, p_proof text, p_source text,
  p_policy integer[], p_session_hash text, p_lifetime_seconds integer)
RETURNS TABLE (outcome text, retry_after integer, user_id uuid, role text, iterations integer,
               second_factor boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v record;
BEGIN
  SELECT * INTO v FROM auth_verify('user', p_email, p_proof, true, p_source, p_policy);
  IF v.outcome <> 'ok' THEN
    RETURN QUERY SELECT v.outcome, v.retry_after, NULL::uuid, NULL::text, NULL::integer, false;
    RETURN;
  END IF;
  IF EXISTS (SELECT 1 FROM console_totp t WHERE t.user_id = v.ref AND t.confirmed_at IS NOT NULL) THEN
    DELETE FROM console_login_challenges WHERE user_id = v.ref AND expires_at <= now();
    INSERT INTO console_login_challenges (id_hash, user_id, expires_at)
    VALUES (p_session_hash, v.ref, now() + interval '10 minutes');
    RETURN QUERY SELECT 'ok'::text, 0, u.id, u.role, split_part(u.password_hash, '$', 2)::integer,
                        true
    FROM users u WHERE u.id = v.ref;
    RETURN;
  END IF;
  PERFORM console_session_start(v.ref, p_session_hash, p_lifetime_seconds);
  RETURN QUERY SELECT 'ok'::text, 0, u.id, u.role, split_part(u.password_hash, '$', 2)::integer,
                      false
  FROM users u WHERE u.id = v.ref;
END
$$;

-- A new password for an account, allowed by the proof of its current one.
CREATE OR REPLACE FUNCTION app_change_password(p_email text, p_proof text, p_source text,
  p_policy integer[], p_new_hash text)
RETURNS TABLE (outcome text, retry_after integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  v record;
BEGIN
  SELECT * INTO v FROM auth_verify('user', p_email, p_proof, true, p_source, p_policy);
  IF v.outcome = 'ok' THEN
    UPDATE users SET password_hash = p_new_hash WHERE id = v.ref;
  END IF;
  RETURN QUERY SELECT v.outcome, v.retry_after;
END
$$;

-- Consumes a verification link: records the address as verified for its owner, marks the
-- account verified when it is the account's address, and re-derives agents.email_verified.
CREATE OR REPLACE FUNCTION app_confirm_email(p_token_hash text)
RETURNS TABLE (user_id uuid, email text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  v email_verifications%ROWTYPE;
BEGIN
  UPDATE email_verifications e SET used_at = now()
  WHERE e.token_hash = p_token_hash AND e.used_at IS NULL AND e.expires_at > now()
  RETURNING * INTO v;
  IF NOT FOUND THEN RETURN; END IF;
  INSERT INTO verified_emails (user_id, email_lower) VALUES (v.user_id, lower(v.email))
  ON CONFLICT DO NOTHING;
  UPDATE users u SET email_verified_at = coalesce(u.email_verified_at, now())
  WHERE u.id = v.user_id AND lower(u.email) = lower(v.email);
  UPDATE agents a SET updated_at = now()
  WHERE a.owner_id = v.user_id AND lower(a.user_email) = lower(v.email);
  RETURN QUERY SELECT v.user_id, v.email;
END
$$;

-- After a 404 under RLS: does the object exist at all (so the miss was someone else's row)?
-- Answers only yes or no, and is used only to record rls.violation_attempt events.
CREATE OR REPLACE FUNCTION app_object_exists(p_kind text, p_id uuid)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT CASE p_kind
    WHEN 'agent' THEN EXISTS (SELECT 1 FROM agents WHERE id = p_id)
    WHEN 'client' THEN EXISTS (SELECT 1 FROM clients WHERE id = p_id)
    WHEN 'api' THEN EXISTS (SELECT 1 FROM resource_servers WHERE id = p_id)
    WHEN 'grant' THEN EXISTS (SELECT 1 FROM grants WHERE id = p_id)
    WHEN 'user' THEN EXISTS (SELECT 1 FROM users WHERE id = p_id)
    ELSE false
  END
$$;

-- Active grants of one agent with the public name of each website. Clients belong to other
-- owners, so RLS would hide them; this returns only their public name and client_id, and
-- only for an agent the caller may see.
CREATE OR REPLACE FUNCTION app_agent_grants(p_agent_ref uuid)
RETURNS TABLE (id uuid, client_id text, client_name text, scope text, model text,
               created_at timestamptz, last_used_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT g.id, c.client_id, c.name, g.scope, g.model, g.created_at, g.last_used_at
  FROM grants g
  JOIN agents a ON a.id = g.agent_ref
  JOIN clients c ON c.id = g.client_ref
  WHERE g.agent_ref = p_agent_ref
    AND (a.owner_id = app_current_user_id() OR app_is_admin())
    AND g.revoked_at IS NULL AND g.expires_at > now()
  ORDER BY g.last_used_at DESC
$$;

-- Owners looked up by email, for the operator (CLI provisioning, on its privileged
-- connection): the application role may not list accounts. No password hash in the answer.
CREATE OR REPLACE FUNCTION app_user_by_email(p_email text)
RETURNS TABLE (id uuid, email text, role text, disabled boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT u.id, u.email, u.role, u.disabled_at IS NOT NULL
  FROM users u WHERE lower(u.email) = lower(p_email)
$$;

-- Console sign-up: a plain user (never an admin: admins are made by the first-run setup
-- link, the operator's CLI or another admin) and its first session, in one call, so the
-- new account's identity is a session like every other (01-rls.sql). A taken email raises
-- unique_violation.
CREATE OR REPLACE FUNCTION app_register_user(p_email text, p_password_hash text,
  p_session_hash text, p_lifetime_seconds integer)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  new_id uuid;
BEGIN
  INSERT INTO users (email, password_hash, role) VALUES (p_email, p_password_hash, 'user')
  RETURNING id INTO new_id;
  PERFORM console_session_start(new_id, p_session_hash, p_lifetime_seconds);
  RETURN new_id;
END
$$;

CREATE OR REPLACE FUNCTION app_user_count() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT count(*) FROM users $$;

-- Issued only while no user exists. Earlier unexpired links stay valid (several server
-- processes may each print one); the first one spent creates the admin and ends them all.
CREATE OR REPLACE FUNCTION app_issue_setup_token(p_token_hash text, p_ttl_seconds integer)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM users) THEN RETURN false; END IF;
  DELETE FROM setup_tokens WHERE expires_at <= now();
  INSERT INTO setup_tokens (token_hash, expires_at)
  VALUES (p_token_hash, now() + make_interval(secs => p_ttl_seconds));
  RETURN true;
END
$$;

CREATE OR REPLACE FUNCTION app_setup_token_valid(p_token_hash text)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT EXISTS (SELECT 1 FROM setup_tokens
                 WHERE token_hash = p_token_hash AND used_at IS NULL AND expires_at > now())
     AND NOT EXISTS (SELECT 1 FROM users)
$$;

-- Spends the setup link and creates the first admin with its first session in one step; a
-- lock makes two racing submissions of one link produce one admin at most.
CREATE OR REPLACE FUNCTION app_complete_setup(p_token_hash text, p_email text,
  p_password_hash text, p_session_hash text, p_lifetime_seconds integer)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  new_id uuid;
BEGIN
  PERFORM pg_advisory_xact_lock(727275);
  IF EXISTS (SELECT 1 FROM users) THEN RETURN NULL; END IF;
  UPDATE setup_tokens SET used_at = now()
  WHERE token_hash = p_token_hash AND used_at IS NULL AND expires_at > now();
  IF NOT FOUND THEN RETURN NULL; END IF;
  INSERT INTO users (email, password_hash, role) VALUES (p_email, p_password_hash, 'admin')
  RETURNING id INTO new_id;
  PERFORM console_session_start(new_id, p_session_hash, p_lifetime_seconds);
  RETURN new_id;
END
$$;

REVOKE ALL ON FUNCTION
  users_guard(), agents_derive_email_verified(), grants_revocation_is_final(),
  app_console_session(text, integer),
  app_user_login(text, text, text, integer[], text, integer),
  app_change_password(text, text, text, integer[], text),
  app_confirm_email(text), app_object_exists(text, uuid), app_agent_grants(uuid),
  app_register_user(text, text, text, integer), app_user_count(),
  app_issue_setup_token(text, integer), app_setup_token_valid(text),
  app_complete_setup(text, text, text, text, integer)
FROM PUBLIC;
-- Operator-only (privileged connection): looking accounts up by email.
REVOKE ALL ON FUNCTION app_user_by_email(text) FROM PUBLIC, auth_agent_app;
GRANT EXECUTE ON FUNCTION
  app_console_session(text, integer),
  app_user_login(text, text, text, integer[], text, integer),
  app_change_password(text, text, text, integer[], text),
  app_confirm_email(text), app_object_exists(text, uuid), app_agent_grants(uuid),
  app_register_user(text, text, text, integer), app_user_count(),
  app_issue_setup_token(text, integer), app_setup_token_valid(text),
  app_complete_setup(text, text, text, text, integer)
TO auth_agent_app;
