-- The signing keys of access and ID tokens (docs/security.md, "Signing keys"). A key is
-- published (JWKS) and verifies from the moment it is stored; it signs from activates_at,
-- when it is the newest active key of the configured algorithm (tokens/key-ring.ts picks it,
-- so activation needs no reload); it stops being published at withdraw_at, set once a newer
-- key will have signed for longer than any token lives, or at once when revoked.
-- Rotations and first keys take an advisory lock, so instances starting together agree.

CREATE OR REPLACE FUNCTION signing_key_live(p_revoked_at timestamptz, p_withdraw_at timestamptz)
RETURNS boolean
LANGUAGE sql STABLE
AS $$ SELECT p_revoked_at IS NULL AND (p_withdraw_at IS NULL OR p_withdraw_at > now()) $$;

-- Live keys, newest first, and the rows without material: these say whether the JWT_SECRET
-- key of an HS256 deployment (named by its kid) is still live.
CREATE OR REPLACE FUNCTION security_signing_keys()
RETURNS TABLE (kid text, alg text, public_jwk jsonb, wrapped_key text, activates_at timestamptz,
               withdraw_at timestamptz, live boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT k.kid, k.alg, k.public_jwk, k.wrapped_key, k.activates_at, k.withdraw_at,
         signing_key_live(k.revoked_at, k.withdraw_at)
  FROM signing_keys k
  WHERE k.wrapped_key IS NULL OR signing_key_live(k.revoked_at, k.withdraw_at)
  ORDER BY k.activates_at DESC, k.kid
$$;

-- Adds the next key: published now, signing p_activate_after seconds from now (at least one
-- JWKS cache lifetime, so every verifier has it before it sees a token it signed). Every
-- other live key is withdrawn p_keep_after seconds after that (the longest a token lives,
-- plus margins). p_emergency: the new key signs at once; every other key, and the JWT_SECRET
-- key p_env_kid of an HS256 deployment, is revoked, and so is every grant (incident response).
CREATE OR REPLACE FUNCTION security_rotate_signing_key(p_kid text, p_alg text,
  p_public_jwk jsonb, p_wrapped_key text, p_activate_after integer, p_keep_after integer,
  p_emergency boolean, p_env_kid text,
  OUT signs_from timestamptz, OUT revoked_keys integer, OUT revoked_grants integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(727276);
  signs_from := now() + make_interval(secs => CASE WHEN p_emergency THEN 0 ELSE p_activate_after END);
  revoked_keys := 0;
  revoked_grants := 0;
  IF p_env_kid IS NOT NULL THEN
    INSERT INTO signing_keys (kid, alg, wrapped_key, created_at, activates_at)
    VALUES (p_env_kid, 'HS256', NULL, '-infinity', '-infinity')
    ON CONFLICT (kid) DO NOTHING;
  END IF;
  IF p_emergency THEN
    UPDATE signing_keys k SET revoked_at = now()
    WHERE signing_key_live(k.revoked_at, k.withdraw_at);
    GET DIAGNOSTICS revoked_keys = ROW_COUNT;
    revoked_grants := security_revoke_grants('all', NULL);
  ELSE
    UPDATE signing_keys k
    SET withdraw_at = least(coalesce(k.withdraw_at, 'infinity'),
                            signs_from + make_interval(secs => p_keep_after))
    WHERE signing_key_live(k.revoked_at, k.withdraw_at);
  END IF;
  INSERT INTO signing_keys (kid, alg, public_jwk, wrapped_key, activates_at)
  VALUES (p_kid, p_alg, p_public_jwk, p_wrapped_key, signs_from);
END
$$;

-- The same rotation for the console: allowed only to an admin whose session the database
-- verifies (01-rls.sql), so SQL running as the application role cannot publish a key of its
-- own (a forged public key in the JWKS would let it mint tokens others accept).
CREATE OR REPLACE FUNCTION app_rotate_signing_key(p_kid text, p_alg text,
  p_public_jwk jsonb, p_wrapped_key text, p_activate_after integer, p_keep_after integer,
  p_emergency boolean, p_env_kid text,
  OUT signs_from timestamptz, OUT revoked_keys integer, OUT revoked_grants integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  IF NOT app_is_admin() THEN
    RAISE EXCEPTION 'only an admin may rotate the signing keys' USING ERRCODE = '42501';
  END IF;
  SELECT r.signs_from, r.revoked_keys, r.revoked_grants INTO signs_from, revoked_keys, revoked_grants
  FROM security_rotate_signing_key(p_kid, p_alg, p_public_jwk, p_wrapped_key, p_activate_after,
                                   p_keep_after, p_emergency, p_env_kid) AS r;
END
$$;

-- The first key of an algorithm (first start, or SIGNING_ALG changed): it signs at once, as
-- nobody can hold a key set without it. Nothing happens (false) when a live key of p_alg
-- exists that the caller has not found unreadable (p_unreadable_kids: sealed under another
-- KEY_ENCRYPTION_KEY), such as one another instance has just made. Every other live key is
-- withdrawn once the tokens it signed have expired.
CREATE OR REPLACE FUNCTION security_ensure_signing_key(p_kid text, p_alg text,
  p_public_jwk jsonb, p_wrapped_key text, p_keep_after integer, p_unreadable_kids text[])
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(727276);
  IF EXISTS (SELECT 1 FROM signing_keys k
             WHERE k.alg = p_alg AND k.wrapped_key IS NOT NULL
               AND signing_key_live(k.revoked_at, k.withdraw_at)
               AND NOT (k.kid = ANY (p_unreadable_kids))) THEN
    RETURN false;
  END IF;
  UPDATE signing_keys k
  SET withdraw_at = least(coalesce(k.withdraw_at, 'infinity'),
                          now() + make_interval(secs => p_keep_after))
  WHERE signing_key_live(k.revoked_at, k.withdraw_at);
  INSERT INTO signing_keys (kid, alg, public_jwk, wrapped_key)
  VALUES (p_kid, p_alg, p_public_jwk, p_wrapped_key);
  RETURN true;
END
$$;

-- The operator's rotation and the first key go through the privileged connection (the CLI,
-- and each server at start); the application role may only read the keys and ask an
-- admin-checked rotation.
REVOKE ALL ON FUNCTION
  signing_key_live(timestamptz, timestamptz), security_signing_keys(),
  security_rotate_signing_key(text, text, jsonb, text, integer, integer, boolean, text),
  app_rotate_signing_key(text, text, jsonb, text, integer, integer, boolean, text),
  security_ensure_signing_key(text, text, jsonb, text, integer, text[])
FROM PUBLIC;
REVOKE ALL ON FUNCTION
  security_rotate_signing_key(text, text, jsonb, text, integer, integer, boolean, text),
  security_ensure_signing_key(text, text, jsonb, text, integer, text[])
FROM auth_agent_app;
GRANT EXECUTE ON FUNCTION
  security_signing_keys(),
  app_rotate_signing_key(text, text, jsonb, text, integer, integer, boolean, text)
TO auth_agent_app;
