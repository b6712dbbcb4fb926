-- Expressions several functions need, each written once. Internal helpers (here and in the
-- other files) are executable only by the schema owner: the SECURITY DEFINER functions that
-- call them can, the application role cannot. They have no SET clause of their own (they run
-- with the caller's `search_path = public, pg_temp`), so the planner can inline the simple
-- LANGUAGE sql ones into the calling query.

-- A principal (agent or client) can act only while it and its owner are both enabled: the
-- arguments are its disabled_at and its owner's (users.disabled_at).
CREATE OR REPLACE FUNCTION auth_enabled(p_disabled_at timestamptz, p_owner_disabled_at timestamptz)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$ SELECT p_disabled_at IS NULL AND p_owner_disabled_at IS NULL $$;

-- A sign-in request's status as the API reports it: 'expired' is derived, never stored.
CREATE OR REPLACE FUNCTION oauth_request_status_of(p_status text, p_expires_at timestamptz)
RETURNS text
LANGUAGE sql STABLE
AS $$
  SELECT CASE WHEN p_status = 'pending' AND p_expires_at <= now() THEN 'expired' ELSE p_status END
$$;

-- Whether a lockout row locks now, and for how many more whole seconds.
CREATE OR REPLACE FUNCTION auth_locked(p_locked_until timestamptz)
RETURNS boolean
LANGUAGE sql STABLE
AS $$ SELECT coalesce(p_locked_until > now(), false) $$;

CREATE OR REPLACE FUNCTION auth_seconds_until(p_until timestamptz)
RETURNS integer
LANGUAGE sql STABLE
AS $$ SELECT greatest(1, ceil(extract(epoch FROM p_until - now())))::integer $$;

-- OAuth 2.1 §2.3.1 and RFC 9700 §4.1.3: a redirect URI matches a registered one exactly, by
-- simple string comparison.
CREATE OR REPLACE FUNCTION oauth_redirect_uri_allowed(p_registered text[], p_presented text)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$ SELECT p_presented = ANY (p_registered) $$;

REVOKE ALL ON FUNCTION
  auth_enabled(timestamptz, timestamptz), oauth_request_status_of(text, timestamptz),
  auth_locked(timestamptz), auth_seconds_until(timestamptz),
  oauth_redirect_uri_allowed(text[], text)
FROM PUBLIC;
