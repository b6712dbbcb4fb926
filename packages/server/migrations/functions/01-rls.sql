-- The two predicates every row-level-security policy uses (001_core.sql and later; policies
-- call them as `(SELECT app_current_user_id())`, so each runs once per statement), and the
-- one place the sessions they trust are created.

-- The identity the policies trust: the console session whose raw id the server set in
-- `app.session` for this transaction (storage/owner-store.ts), verified here against
-- console_sessions: its stored hash, not past its absolute expiry, and its user enabled.
-- (The idle timeout is enforced when the console loads the session, app_console_session.)
-- Anyone may set `app.session`, but SQL running as the application role cannot name a user
-- without holding one of that user's live session ids; a forged value is no one.
CREATE OR REPLACE FUNCTION app_current_user_id() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT s.user_id FROM console_sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id_hash = auth_digest(nullif(current_setting('app.session', true), ''))
    AND s.expires_at > now() AND u.disabled_at IS NULL
$$;

CREATE OR REPLACE FUNCTION app_is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT EXISTS (
    SELECT 1 FROM users
    WHERE id = app_current_user_id() AND role = 'admin' AND disabled_at IS NULL
  )
$$;

REVOKE ALL ON FUNCTION app_current_user_id(), app_is_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_current_user_id(), app_is_admin() TO auth_agent_app;

-- A new console session for a user who just proved who they are (log-in, sign-up, setup, the
-- second factor): their expired sessions go, the new one is stored by its hash.
CREATE OR REPLACE FUNCTION console_session_start(p_user_id uuid, p_session_hash text,
  p_lifetime_seconds integer)
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  DELETE FROM console_sessions WHERE user_id = p_user_id AND expires_at <= now();
  INSERT INTO console_sessions (id_hash, user_id, expires_at)
  VALUES (p_session_hash, p_user_id, now() + make_interval(secs => p_lifetime_seconds));
END
$$;
REVOKE ALL ON FUNCTION console_session_start(uuid, text, integer) FROM PUBLIC;
