-- Expressions several functions need, each written once. Internal helpers (here and in the
-- other files) are executable only by the schema owner: the SECURITY DEFINER functions that
-- call them can, the application role cannot. They have no SET clause of their own (they run
-- with the caller's `search_path = public, pg_temp`), so the planner can inline the simple
-- LANGUAGE sql ones into the calling query.
--
-- Inlining is what keeps the hot paths cheap: a LANGUAGE sql function that is not inlined is
-- parsed and planned again on every call from plpgsql (bench/ANALYSIS.md, "Fourth round").
-- So a one-expression helper is declared no less volatile than what it calls (a function
-- declared IMMUTABLE whose body calls a STABLE one, such as convert_to, is never inlined), and
-- a helper that needs a query of its own is plpgsql, whose plans are kept per connection.
-- A plpgsql call still costs a few microseconds, so a helper that usually has nothing to do
-- (no DPoP proof, no resource) is a LANGUAGE sql test that is inlined and calls its plpgsql
-- part only when there is work (oauth_dpop_proof_fresh below).

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

-- A loopback redirect URI without its port: http, the host 127.0.0.1, [::1] or localhost,
-- then the rest unchanged. NULL for anything else.
CREATE OR REPLACE FUNCTION oauth_loopback_portless(p_uri text)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE WHEN p_uri ~ '^http://(127\.0\.0\.1|\[::1\]|localhost)(:[0-9]{1,5})?([/?]|$)'
    THEN regexp_replace(p_uri, '^(http://(127\.0\.0\.1|\[::1\]|localhost))(:[0-9]{1,5})?', '\1')
  END
$$;

-- SHA-256, base64url: the form the server uses for every stored digest (crypto/digest.ts).
CREATE OR REPLACE FUNCTION auth_digest(p_value text)
RETURNS text
LANGUAGE sql STABLE
AS $$
  SELECT rtrim(translate(encode(sha256(convert_to(p_value, 'UTF8')), 'base64'), '+/', '-_'), '=')
$$;

-- OAuth 2.1 §2.3.1 and RFC 9700 §4.1.3: a redirect URI matches a registered one exactly, by
-- simple string comparison. The one exception (RFC 8252 §7.3, OAuth 2.1 §8.4.2): a public
-- (native) client's loopback redirect URI matches whatever its port, since such an app binds
-- a free port at run time; scheme, host, path and query must still be exactly the same.
CREATE OR REPLACE FUNCTION oauth_redirect_uri_allowed(p_registered text[], p_presented text,
  p_public boolean)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  -- Never NULL, which a caller's NOT would turn into "allowed". The exact match, the common
  -- case, needs no query (a subquery would make this function impossible to inline).
  IF coalesce(p_presented = ANY (p_registered), false) THEN
    RETURN true;
  END IF;
  RETURN coalesce(p_public, false) AND EXISTS (
    SELECT 1 FROM unnest(p_registered) AS r
    WHERE oauth_loopback_portless(r) = oauth_loopback_portless(p_presented));
END
$$;

-- RFC 9449 §11.1: remembers a DPoP proof (p_proof_hash) until p_expires_at, the end of its
-- iat window; true when it is new. A proof seen before stays refused until its row expires,
-- whichever instance saw it.
CREATE OR REPLACE FUNCTION oauth_dpop_proof_record(p_proof_hash text, p_expires_at timestamptz)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  n integer;
BEGIN
  INSERT INTO dpop_proofs (proof_hash, expires_at) VALUES (p_proof_hash, p_expires_at)
  ON CONFLICT (proof_hash) DO UPDATE SET expires_at = EXCLUDED.expires_at
  WHERE dpop_proofs.expires_at <= now();
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n = 1;
END
$$;

-- Whether the request's DPoP proof is new; p_proof_hash is NULL when it carried none, which
-- is not a replay. LANGUAGE sql so that it is inlined into the caller's expression: a request
-- without a proof (most of them) then costs no function call (00-shared.sql, top).
CREATE OR REPLACE FUNCTION oauth_dpop_proof_fresh(p_proof_hash text, p_expires_at timestamptz)
RETURNS boolean
LANGUAGE sql VOLATILE
AS $$ SELECT p_proof_hash IS NULL OR oauth_dpop_proof_record(p_proof_hash, p_expires_at) $$;

-- The agent of a code or grant, with what its tokens say of the person it acts for, and
-- whether it may act (it and its owner enabled); no row when there is none. Read by the code
-- exchange and the refresh alike. LANGUAGE sql, one query, inlined into the caller.
CREATE OR REPLACE FUNCTION oauth_agent_of(p_agent_ref uuid)
RETURNS TABLE (agent_id text, owner_id uuid, user_email text, user_name text,
               email_verified boolean, usable boolean)
LANGUAGE sql STABLE
AS $$
  SELECT a.agent_id, a.owner_id, a.user_email, a.user_name, a.email_verified,
         auth_enabled(a.disabled_at, u.disabled_at)
  FROM agents a JOIN users u ON u.id = a.owner_id
  WHERE a.id = p_agent_ref
$$;

REVOKE ALL ON FUNCTION
  auth_enabled(timestamptz, timestamptz), oauth_request_status_of(text, timestamptz),
  auth_locked(timestamptz), auth_seconds_until(timestamptz),
  oauth_loopback_portless(text), oauth_redirect_uri_allowed(text[], text, boolean),
  oauth_dpop_proof_record(text, timestamptz), oauth_dpop_proof_fresh(text, timestamptz),
  auth_digest(text), oauth_agent_of(uuid)
FROM PUBLIC;
