-- Console accounts (016_console_accounts.sql): password reset by mail, the second factor
-- (TOTP, RFC 6238) and admins managing users. The server unseals a TOTP secret and names the
-- time step a code matched; these decide replay, lockout (03-lockout.sql) and the session.

-- Issues a reset link for an enabled account, at most 3 an hour per account. Answers the
-- account (to address the mail) or no row; the console's answer is the same either way.
CREATE OR REPLACE FUNCTION app_request_password_reset(p_email text, p_token_hash text,
  p_ttl_seconds integer)
RETURNS TABLE (user_id uuid, email text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  u users%ROWTYPE;
BEGIN
  SELECT * INTO u FROM users WHERE lower(users.email) = lower(p_email) AND disabled_at IS NULL;
  IF NOT FOUND THEN RETURN; END IF;
  PERFORM 1 FROM users WHERE id = u.id FOR UPDATE;
  IF (SELECT count(*) FROM password_resets r
      WHERE r.user_id = u.id AND r.created_at > now() - interval '1 hour') >= 3 THEN
    RETURN;
  END IF;
  DELETE FROM password_resets r WHERE r.user_id = u.id AND r.expires_at <= now() - interval '1 hour';
  INSERT INTO password_resets (token_hash, user_id, expires_at)
  VALUES (p_token_hash, u.id, now() + make_interval(secs => p_ttl_seconds));
  RETURN QUERY SELECT u.id, u.email;
END
$$;

-- The account a live (unused, unexpired) reset link belongs to, or NULL.
CREATE OR REPLACE FUNCTION app_password_reset_email(p_token_hash text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT u.email FROM password_resets r JOIN users u ON u.id = r.user_id
  WHERE r.token_hash = p_token_hash AND r.used_at IS NULL AND r.expires_at > now()
    AND u.disabled_at IS NULL
$$;

-- Spends a reset link: the new password hash, every other link of the account spent, every
-- console session and pending log-in ended, and the account's lockouts cleared (the link
-- proved control of the mailbox). Answers the account's id, or NULL for a dead link.
CREATE OR REPLACE FUNCTION app_reset_password(p_token_hash text, p_new_hash text)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  uid uuid;
  addr text;
BEGIN
  UPDATE password_resets r SET used_at = now()
  FROM users u
  WHERE r.token_hash = p_token_hash AND r.used_at IS NULL AND r.expires_at > now()
    AND u.id = r.user_id AND u.disabled_at IS NULL
  RETURNING r.user_id, u.email INTO uid, addr;
  IF uid IS NULL THEN RETURN NULL; END IF;
  UPDATE users SET password_hash = p_new_hash WHERE id = uid;
  UPDATE password_resets SET used_at = now() WHERE user_id = uid AND used_at IS NULL;
  DELETE FROM console_sessions WHERE user_id = uid;
  DELETE FROM console_login_challenges WHERE user_id = uid;
  PERFORM security_lockout_clear('user', lower(addr));
  RETURN uid;
END
$$;

-- The signed-in user's second factor: the sealed secret (to check a code while enrolling or
-- disabling), whether it is confirmed, and how many recovery codes are left.
CREATE OR REPLACE FUNCTION app_totp_status()
RETURNS TABLE (sealed_secret text, confirmed boolean, recovery_left integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT t.sealed_secret, t.confirmed_at IS NOT NULL,
         (SELECT count(*)::integer FROM console_recovery_codes r
          WHERE r.user_id = t.user_id AND r.used_at IS NULL)
  FROM console_totp t WHERE t.user_id = app_current_user_id()
$$;

-- Starts (or restarts) an enrolment with a new sealed secret; false once one is confirmed.
CREATE OR REPLACE FUNCTION app_totp_begin(p_sealed_secret text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  me uuid := app_current_user_id();
BEGIN
  IF me IS NULL THEN
    RAISE EXCEPTION 'no console session' USING ERRCODE = '42501';
  END IF;
  INSERT INTO console_totp (user_id, sealed_secret) VALUES (me, p_sealed_secret)
  ON CONFLICT (user_id) DO UPDATE SET sealed_secret = EXCLUDED.sealed_secret, created_at = now()
  WHERE console_totp.confirmed_at IS NULL;
  RETURN FOUND;
END
$$;

-- The code the user typed matched time step p_step of the pending secret: the factor is on,
-- and the recovery codes (hashes) replace any earlier ones.
CREATE OR REPLACE FUNCTION app_totp_confirm(p_step bigint, p_recovery_hashes text[])
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  me uuid := app_current_user_id();
BEGIN
  UPDATE console_totp SET confirmed_at = now(), last_step = p_step
  WHERE user_id = me AND confirmed_at IS NULL;
  IF NOT FOUND THEN RETURN false; END IF;
  DELETE FROM console_recovery_codes WHERE user_id = me;
  INSERT INTO console_recovery_codes (user_id, code_hash)
  SELECT me, h FROM unnest(p_recovery_hashes) AS h;
  RETURN true;
END
$$;

-- Turning the factor off takes the password (checked here, under the lockout) and a fresh
-- code (its step, from the server). outcome: auth_verify's, or 'code_invalid'.
CREATE OR REPLACE FUNCTION app_totp_disable(p_email text, p_proof text, p_source text,
  p_policy integer[], p_step bigint)
RETURNS TABLE (outcome text, retry_after integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  v record;
  me uuid := app_current_user_id();
BEGIN
  SELECT * INTO v FROM auth_verify('user', p_email, p_proof, true, p_source, p_policy);
  IF v.outcome <> 'ok' THEN
    RETURN QUERY SELECT v.outcome, v.retry_after;
    RETURN;
  END IF;
  IF me IS NULL OR v.ref <> me THEN
    RAISE EXCEPTION 'only the signed-in user may turn off their second factor' USING ERRCODE = '42501';
  END IF;
  DELETE FROM console_totp
  WHERE user_id = me AND confirmed_at IS NOT NULL AND p_step IS NOT NULL AND last_step < p_step;
  IF NOT FOUND THEN -- a wrong code counts toward the lockout as a wrong password does
    PERFORM auth_attempt_reserve('user', auth_subject_key('user', p_email), p_source, p_policy);
    SELECT * INTO v FROM auth_attempt_failed('user', auth_subject_key('user', p_email), p_source, p_policy);
    RETURN QUERY SELECT 'code_invalid'::text, v.locked_for; RETURN;
  END IF;
  DELETE FROM console_recovery_codes WHERE user_id = me;
  RETURN QUERY SELECT 'ok'::text, 0;
END
$$;

-- A pending log-in (the password held; app_user_login stored it): its account and sealed
-- secret, so that the server can check the code. No row when it expired or was spent.
CREATE OR REPLACE FUNCTION app_second_factor_pending(p_challenge_hash text)
RETURNS TABLE (user_id uuid, email text, sealed_secret text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT u.id, u.email, t.sealed_secret
  FROM console_login_challenges c JOIN users u ON u.id = c.user_id
  JOIN console_totp t ON t.user_id = u.id AND t.confirmed_at IS NOT NULL
  WHERE c.id_hash = p_challenge_hash AND c.expires_at > now() AND u.disabled_at IS NULL
$$;

-- The second step of a log-in: a TOTP code that matched time step p_step (accepted once:
-- a step at or before the last accepted one is a replay), or an unused recovery code.
-- Each try is an attempt of the account's lockout (03-lockout.sql) like a password.
-- outcome: 'ok' (the session is stored), 'locked' | 'busy' (retry_after), 'code_invalid',
-- 'expired' (no such pending log-in).
CREATE OR REPLACE FUNCTION app_second_factor_complete(p_challenge_hash text, p_step bigint,
  p_recovery_hash text, p_source text, p_policy integer[], p_session_hash text,
  p_lifetime_seconds integer)
RETURNS TABLE (outcome text, retry_after integer, user_id uuid, role text, by_recovery boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  c console_login_challenges%ROWTYPE;
  u users%ROWTYPE;
  subject text;
  r record;
  f record;
  accepted boolean := false;
BEGIN
  SELECT * INTO c FROM console_login_challenges
  WHERE id_hash = p_challenge_hash AND expires_at > now() FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'expired'::text, 0, NULL::uuid, NULL::text, false; RETURN;
  END IF;
  SELECT * INTO u FROM users WHERE id = c.user_id;
  subject := auth_subject_key('user', lower(u.email));
  SELECT * INTO r FROM auth_attempt_reserve('user', subject, p_source, p_policy);
  IF r.outcome <> 'ok' THEN
    RETURN QUERY SELECT r.outcome, r.retry_after, u.id, NULL::text, false; RETURN;
  END IF;
  IF p_step IS NOT NULL THEN
    UPDATE console_totp t SET last_step = p_step
    WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL AND t.last_step < p_step;
    accepted := FOUND;
  ELSIF p_recovery_hash IS NOT NULL THEN
    UPDATE console_recovery_codes rc SET used_at = now()
    WHERE rc.user_id = u.id AND rc.code_hash = p_recovery_hash AND rc.used_at IS NULL;
    accepted := FOUND;
  END IF;
  IF NOT accepted THEN
    SELECT * INTO f FROM auth_attempt_failed('user', subject, p_source, p_policy);
    RETURN QUERY SELECT 'code_invalid'::text, f.locked_for, u.id, NULL::text, false; RETURN;
  END IF;
  PERFORM auth_attempt_succeeded('user', subject, p_source);
  DELETE FROM console_login_challenges WHERE id_hash = p_challenge_hash OR expires_at <= now();
  IF u.disabled_at IS NOT NULL THEN
    RETURN QUERY SELECT 'expired'::text, 0, u.id, NULL::text, false; RETURN;
  END IF;
  PERFORM console_session_start(u.id, p_session_hash, p_lifetime_seconds);
  RETURN QUERY SELECT 'ok'::text, 0, u.id, u.role, p_step IS NULL;
END
$$;

-- Another enabled admin than p_user_id? Callers hold lock 727277: two admins demoting each
-- other at once cannot leave none.
CREATE OR REPLACE FUNCTION accounts_other_admin_exists(p_user_id uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM users
                 WHERE role = 'admin' AND disabled_at IS NULL AND id <> p_user_id)
$$;

-- An admin makes a user an admin or a plain user (themselves included, while another admin
-- remains). outcome: 'ok', 'unchanged', 'not_found', 'last_admin'.
CREATE OR REPLACE FUNCTION app_admin_set_role(p_user_id uuid, p_role text)
RETURNS TABLE (outcome text, email text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  u users%ROWTYPE;
BEGIN
  IF NOT app_is_admin() THEN
    RAISE EXCEPTION 'only an admin may change a role' USING ERRCODE = '42501';
  END IF;
  IF p_role NOT IN ('user', 'admin') THEN
    RAISE EXCEPTION 'unknown role' USING ERRCODE = '22023';
  END IF;
  PERFORM pg_advisory_xact_lock(727277);
  SELECT * INTO u FROM users WHERE id = p_user_id;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found'::text, NULL::text;
  ELSIF u.role = p_role THEN
    RETURN QUERY SELECT 'unchanged'::text, u.email;
  ELSIF p_role = 'user' AND NOT accounts_other_admin_exists(u.id) THEN
    RETURN QUERY SELECT 'last_admin'::text, u.email;
  ELSE
    UPDATE users SET role = p_role WHERE id = u.id;
    RETURN QUERY SELECT 'ok'::text, u.email;
  END IF;
END
$$;

-- An admin deletes an account, and with it its agents and websites (and so their grants
-- and tokens) and its lockouts. The last enabled admin is never deleted.
-- outcome: 'ok', 'not_found', 'last_admin'.
CREATE OR REPLACE FUNCTION app_admin_delete_user(p_user_id uuid)
RETURNS TABLE (outcome text, email text, agent_count integer, client_count integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  u users%ROWTYPE;
  n_agents integer;
  n_clients integer;
BEGIN
  IF NOT app_is_admin() THEN
    RAISE EXCEPTION 'only an admin may delete an account' USING ERRCODE = '42501';
  END IF;
  PERFORM pg_advisory_xact_lock(727277);
  SELECT * INTO u FROM users WHERE id = p_user_id;
  IF NOT FOUND OR (u.role = 'admin' AND NOT accounts_other_admin_exists(u.id)) THEN
    RETURN QUERY SELECT CASE WHEN u.id IS NULL THEN 'not_found' ELSE 'last_admin' END, u.email, 0, 0;
    RETURN;
  END IF;
  SELECT count(*)::integer INTO n_agents FROM agents a WHERE a.owner_id = u.id;
  SELECT count(*)::integer INTO n_clients FROM clients c WHERE c.owner_id = u.id;
  DELETE FROM users WHERE id = u.id;
  PERFORM security_lockout_clear('user', lower(u.email));
  RETURN QUERY SELECT 'ok'::text, u.email, n_agents, n_clients;
END
$$;

REVOKE ALL ON FUNCTION
  app_request_password_reset(text, text, integer), app_password_reset_email(text),
  app_reset_password(text, text), app_totp_status(), app_totp_begin(text),
  app_totp_confirm(bigint, text[]), app_totp_disable(text, text, text, integer[], bigint),
  app_second_factor_pending(text),
  app_second_factor_complete(text, bigint, text, text, integer[], text, integer),
  accounts_other_admin_exists(uuid), app_admin_set_role(uuid, text), app_admin_delete_user(uuid)
FROM PUBLIC;
REVOKE ALL ON FUNCTION accounts_other_admin_exists(uuid) FROM auth_agent_app;
GRANT EXECUTE ON FUNCTION
  app_request_password_reset(text, text, integer), app_password_reset_email(text),
  app_reset_password(text, text), app_totp_status(), app_totp_begin(text),
  app_totp_confirm(bigint, text[]), app_totp_disable(text, text, text, integer[], bigint),
  app_second_factor_pending(text),
  app_second_factor_complete(text, bigint, text, text, integer[], text, integer),
  app_admin_set_role(uuid, text), app_admin_delete_user(uuid)
TO auth_agent_app;
