-- Lockout after repeated wrong secrets (docs/security.md, "Lockout"). Failures are counted
-- per identity AND source (an address, or a device where there is one), so a stranger who
-- knows a public client_id or agent_id can lock only their own source out, never the real
-- client or agent. A second row per identity (source_key '*') counts failures from every
-- source: past its own, higher threshold the identity is "under attack" and only sources
-- that succeeded recently may still try, with the same doubling back-off.
--
-- An attempt is counted when it is reserved (auth_begin), before the secret is derived, and
-- released if it succeeds: N concurrent guesses get at most LOCKOUT_MAX_FAILURES checks.
--
-- p_policy: {max failures per source, window seconds, first lockout seconds,
--            longest lockout seconds, max failures per identity, trusted-source seconds}.

CREATE OR REPLACE FUNCTION auth_source_key(p_source text)
RETURNS text
LANGUAGE sql STABLE
AS $$ SELECT auth_digest('source:' || coalesce(p_source, 'unknown')) $$;

-- The row for (subject, source), created if missing, locked for this transaction, with its
-- window restarted if it ran out (a lock in force is kept).
CREATE OR REPLACE FUNCTION auth_lock_row(p_kind text, p_subject text, p_source_key text,
  p_window_seconds integer)
RETURNS TABLE (failures integer, locked_until timestamptz)
LANGUAGE sql VOLATILE
AS $$
  INSERT INTO lockouts AS t (subject_type, subject_key, source_key)
  VALUES (p_kind, p_subject, p_source_key)
  ON CONFLICT (subject_type, subject_key, source_key) DO UPDATE
  SET failures = CASE WHEN t.window_started_at <= now() - make_interval(secs => p_window_seconds)
                      THEN 0 ELSE t.failures END,
      window_started_at = CASE WHEN t.window_started_at <= now() - make_interval(secs => p_window_seconds)
                               THEN now() ELSE t.window_started_at END,
      updated_at = now()
  RETURNING t.failures, t.locked_until
$$;

CREATE OR REPLACE FUNCTION auth_source_trusted(p_kind text, p_subject text, p_source_key text,
  p_trusted_seconds integer)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  RETURN EXISTS (
    SELECT 1 FROM auth_trusted_sources s
    WHERE s.subject_type = p_kind AND s.subject_key = p_subject AND s.source_key = p_source_key
      AND s.last_success_at > now() - make_interval(secs => p_trusted_seconds));
END
$$;

-- Locked for this source: its own lock, or the identity's while the source is not trusted.
CREATE OR REPLACE FUNCTION auth_source_blocked(p_kind text, p_subject text, p_source text,
  p_policy integer[])
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  this_source text := auth_source_key(p_source);
BEGIN
  RETURN EXISTS (
    SELECT 1 FROM lockouts l
    WHERE l.subject_type = p_kind AND l.subject_key = p_subject
      AND auth_locked(l.locked_until)
      AND (l.source_key = this_source
           OR (l.source_key = '*'
               AND NOT auth_source_trusted(p_kind, p_subject, this_source, p_policy[6]))));
END
$$;

-- Counts an attempt before its secret is derived. 'locked': this source (or, for an
-- untrusted source, the identity) is locked; 'busy': the source already has as many
-- attempts counted as it may fail, some still being checked; 'ok': reserved.
CREATE OR REPLACE FUNCTION auth_attempt_reserve(p_kind text, p_subject text, p_source text,
  p_policy integer[])
RETURNS TABLE (outcome text, retry_after integer)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  this_source text := auth_source_key(p_source);
  g record;
  l record;
  trusted boolean;
BEGIN
  -- Always the identity's row first, then the source's: concurrent callers lock in one order.
  SELECT * INTO g FROM auth_lock_row(p_kind, p_subject, '*', p_policy[2]);
  trusted := auth_source_trusted(p_kind, p_subject, this_source, p_policy[6]);
  IF NOT trusted AND auth_locked(g.locked_until) THEN
    RETURN QUERY SELECT 'locked'::text, auth_seconds_until(g.locked_until);
    RETURN;
  END IF;
  IF NOT trusted AND g.failures >= p_policy[5] THEN
    RETURN QUERY SELECT 'busy'::text, 1;
    RETURN;
  END IF;
  SELECT * INTO l FROM auth_lock_row(p_kind, p_subject, this_source, p_policy[2]);
  IF auth_locked(l.locked_until) THEN
    RETURN QUERY SELECT 'locked'::text, auth_seconds_until(l.locked_until);
    RETURN;
  END IF;
  IF l.failures >= p_policy[1] THEN
    RETURN QUERY SELECT 'busy'::text, 1;
    RETURN;
  END IF;
  UPDATE lockouts SET failures = failures + 1
  WHERE subject_type = p_kind AND subject_key = p_subject AND source_key IN ('*', this_source);
  RETURN QUERY SELECT 'ok'::text, 0;
END
$$;

-- The reserved attempt failed: it stays counted. The row that reaches its threshold is locked
-- for base * 2^(its earlier lockouts), capped. locked_for: the lock's length in seconds if this
-- failure locked the source or the identity, else 0; identity_locked: it locked the identity
-- (every source but the trusted ones), which the server raises as an alert.
CREATE OR REPLACE FUNCTION auth_attempt_failed(p_kind text, p_subject text, p_source text,
  p_policy integer[], OUT locked_for integer, OUT identity_locked boolean)
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  WITH locked AS (
    UPDATE lockouts AS t
    SET locked_until = now() + make_interval(secs => least(p_policy[4]::double precision,
                         p_policy[3] * power(2, least(t.lockout_count, 30)))),
        lockout_count = t.lockout_count + 1, failures = 0, window_started_at = now(),
        updated_at = now()
    WHERE t.subject_type = p_kind AND t.subject_key = p_subject
      AND ((t.source_key = auth_source_key(p_source) AND t.failures >= p_policy[1])
           OR (t.source_key = '*' AND t.failures >= p_policy[5]))
    RETURNING t.locked_until, t.source_key
  )
  SELECT coalesce(max(auth_seconds_until(l.locked_until)), 0),
         coalesce(bool_or(l.source_key = '*'), false)
  INTO locked_for, identity_locked FROM locked l;
END
$$;

-- The reserved attempt succeeded: the source starts again (a lock in force stays), the
-- identity's count gives the attempt back, and the source is trusted from now on.
CREATE OR REPLACE FUNCTION auth_attempt_succeeded(p_kind text, p_subject text, p_source text)
RETURNS void
LANGUAGE sql VOLATILE
AS $$
  -- The identity's row before the source's, the order auth_attempt_reserve locks them in:
  -- the other order deadlocked concurrent first authentications of one client from one
  -- source (test/security-lockout-concurrency.postgres.test.ts).
  UPDATE lockouts SET failures = greatest(failures - 1, 0)
  WHERE subject_type = p_kind AND subject_key = p_subject AND source_key = '*';
  DELETE FROM lockouts
  WHERE subject_type = p_kind AND subject_key = p_subject
    AND source_key = auth_source_key(p_source) AND NOT auth_locked(locked_until);
  INSERT INTO auth_trusted_sources (subject_type, subject_key, source_key)
  VALUES (p_kind, p_subject, auth_source_key(p_source))
  ON CONFLICT (subject_type, subject_key, source_key) DO UPDATE SET last_success_at = now();
$$;

-- A remembered secret was used again: earlier failures of this source are forgotten, as
-- after a fresh success (a lock in force stays). Nothing to do in the common case.
CREATE OR REPLACE FUNCTION auth_forget_failures(p_kind text, p_subject text, p_source text)
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  DELETE FROM lockouts
  WHERE subject_type = p_kind AND subject_key = p_subject
    AND source_key = auth_source_key(p_source) AND NOT auth_locked(locked_until);
END
$$;

-- Unlock every source of a subject: for the operator (the CLI, on its privileged connection),
-- and inside every deletion or password reset that must leave no lock behind (10-operator,
-- 13-resource-servers, 15-accounts). True if anything was locked.
CREATE OR REPLACE FUNCTION security_lockout_clear(p_kind text, p_public_id text)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH gone AS (
    DELETE FROM lockouts
    WHERE subject_type = p_kind AND subject_key = auth_subject_key(p_kind, p_public_id)
    RETURNING locked_until
  )
  SELECT coalesce(bool_or(auth_locked(locked_until)), false) FROM gone
$$;

-- Unlock from the console: only the owner of the agent or client, the account itself, or an
-- admin (the verified identity, 01-rls.sql). NULL when the caller has no right to it or it
-- does not exist (the console answers both alike); else as security_lockout_clear.
CREATE OR REPLACE FUNCTION app_unlock(p_kind text, p_public_id text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  me uuid := app_current_user_id();
  allowed boolean;
BEGIN
  allowed := CASE p_kind
    WHEN 'agent' THEN EXISTS (SELECT 1 FROM agents a WHERE a.agent_id = p_public_id
                                AND (a.owner_id = me OR app_is_admin()))
    WHEN 'client' THEN EXISTS (SELECT 1 FROM clients c WHERE c.client_id = p_public_id
                                 AND (c.owner_id = me OR app_is_admin()))
    WHEN 'user' THEN EXISTS (SELECT 1 FROM users u WHERE lower(u.email) = lower(p_public_id)
                               AND (u.id = me OR app_is_admin()))
    ELSE false END;
  IF NOT allowed THEN RETURN NULL; END IF;
  RETURN security_lockout_clear(p_kind, p_public_id);
END
$$;

REVOKE ALL ON FUNCTION
  auth_source_key(text), auth_lock_row(text, text, text, integer),
  auth_source_trusted(text, text, text, integer),
  auth_source_blocked(text, text, text, integer[]),
  auth_attempt_reserve(text, text, text, integer[]),
  auth_attempt_failed(text, text, text, integer[]),
  auth_attempt_succeeded(text, text, text), auth_forget_failures(text, text, text),
  app_unlock(text, text)
FROM PUBLIC;
-- Operator-only: the application role may not unlock what it does not own.
REVOKE ALL ON FUNCTION security_lockout_clear(text, text) FROM PUBLIC, auth_agent_app;
GRANT EXECUTE ON FUNCTION app_unlock(text, text) TO auth_agent_app;
