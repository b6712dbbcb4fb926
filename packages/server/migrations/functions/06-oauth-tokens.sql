-- What the server knows about tokens beyond an access token's signature: is its grant live,
-- is it individually revoked, who the agent and the person behind it are. A token is
-- active only while its agent and its client are enabled, and so are both their owners.

CREATE OR REPLACE FUNCTION oauth_access_state(p_jti text, p_grant_id uuid)
RETURNS TABLE (active boolean, client_ref uuid, client_id text, agent_id text,
               user_email text, user_name text, email_verified boolean)
LANGUAGE sql STABLE
AS $$
  -- A grant without an agent is a client's own (client_credentials); a client registered by
  -- itself has no owner. Neither has anyone to be disabled, hence the outer joins.
  SELECT (g.revoked_at IS NULL AND auth_enabled(a.disabled_at, ua.disabled_at)
          AND auth_enabled(c.disabled_at, uc.disabled_at)
          AND NOT EXISTS (SELECT 1 FROM revoked_access_tokens r WHERE r.jti = p_jti)),
         c.id, c.client_id, a.agent_id, a.user_email, a.user_name, a.email_verified
  FROM grants g
  LEFT JOIN agents a ON a.id = g.agent_ref
  LEFT JOIN users ua ON ua.id = a.owner_id
  JOIN clients c ON c.id = g.client_ref
  LEFT JOIN users uc ON uc.id = c.owner_id
  WHERE g.id = p_grant_id
$$;

CREATE OR REPLACE FUNCTION oauth_refresh_state(p_token_hash text)
RETURNS TABLE (active boolean, client_ref uuid, client_id text, agent_id text, scope text,
               model text, issued_at timestamptz, expires_at timestamptz)
LANGUAGE sql STABLE
AS $$
  SELECT (t.rotated_at IS NULL AND t.expires_at > now() AND g.revoked_at IS NULL
          AND auth_enabled(a.disabled_at, ua.disabled_at)
          AND auth_enabled(c.disabled_at, uc.disabled_at)),
         c.id, c.client_id, a.agent_id, g.scope, g.model, t.created_at, t.expires_at
  FROM refresh_tokens t
  JOIN grants g ON g.id = t.grant_id
  JOIN agents a ON a.id = g.agent_ref
  JOIN users ua ON ua.id = a.owner_id
  JOIN clients c ON c.id = g.client_ref
  LEFT JOIN users uc ON uc.id = c.owner_id
  WHERE t.token_hash = p_token_hash
$$;

-- For /userinfo (RFC 6750 bearer or RFC 9449 DPoP, no client authentication). With a DPoP
-- proof, p_dpop_proof names it for replay detection (00-shared.sql): dpop_fresh is false
-- when it was used before, here or at any other instance.
CREATE OR REPLACE FUNCTION oauth_access_token_state(p_jti text, p_grant_id uuid,
  p_dpop_proof text, p_dpop_proof_expires timestamptz)
RETURNS TABLE (active boolean, client_id text, agent_id text, user_email text, user_name text,
               email_verified boolean, dpop_fresh boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  fresh boolean := oauth_dpop_proof_fresh(p_dpop_proof, p_dpop_proof_expires);
BEGIN
  RETURN QUERY
  SELECT s.active, s.client_id, s.agent_id, s.user_email, s.user_name, s.email_verified, fresh
  FROM oauth_access_state(p_jti, p_grant_id) s;
END
$$;

-- RFC 7662 for a confidential client: an access token (p_jti and p_grant_id from its
-- verified signature) or a refresh token (p_refresh_hash). Only the client a token was
-- issued to learns anything about it (§2.2: everything else is simply inactive).
-- token_type: 'access_token' or 'refresh_token' when the token is the caller's, else NULL.
CREATE OR REPLACE FUNCTION oauth_introspect(p_client_id text, p_proof text, p_fresh boolean,
  p_source text, p_policy integer[], p_jti text, p_grant_id uuid, p_refresh_hash text)
RETURNS TABLE (outcome text, retry_after integer, token_type text, active boolean,
               agent_id text, scope text, model text, issued_at timestamptz,
               expires_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v record;
BEGIN
  IF p_proof IS NULL THEN
    -- Public clients may not introspect (RFC 7662 §2.1 requires authentication).
    RETURN QUERY SELECT 'principal_invalid'::text, 0, NULL::text, NULL::boolean, NULL::text,
                        NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz;
    RETURN;
  END IF;
  SELECT * INTO v FROM auth_remembered('client', p_client_id, p_proof, p_fresh);
  IF NOT FOUND THEN
    SELECT * INTO v FROM auth_verify('client', p_client_id, p_proof, p_fresh, p_source, p_policy);
  END IF;
  IF v.outcome <> 'ok' THEN
    RETURN QUERY SELECT v.outcome, v.retry_after, NULL::text, NULL::boolean, NULL::text,
                        NULL::text, NULL::text, NULL::timestamptz, NULL::timestamptz;
    RETURN;
  END IF;
  IF p_grant_id IS NOT NULL THEN
    RETURN QUERY
    SELECT 'ok'::text, 0, 'access_token'::text, s.active, s.agent_id, NULL::text, NULL::text,
           NULL::timestamptz, NULL::timestamptz
    FROM oauth_access_state(p_jti, p_grant_id) s WHERE s.client_ref = v.ref;
    IF FOUND THEN RETURN; END IF;
  END IF;
  IF p_refresh_hash IS NOT NULL THEN
    RETURN QUERY
    SELECT 'ok'::text, 0, 'refresh_token'::text, s.active, s.agent_id, s.scope, s.model,
           s.issued_at, s.expires_at
    FROM oauth_refresh_state(p_refresh_hash) s WHERE s.client_ref = v.ref;
    IF FOUND THEN RETURN; END IF;
  END IF;
  RETURN QUERY SELECT 'ok'::text, 0, NULL::text, NULL::boolean, NULL::text, NULL::text,
                      NULL::text, NULL::timestamptz, NULL::timestamptz;
END
$$;

-- RFC 7009: the client revokes one of its own tokens; a refresh token revokes its whole
-- family (§2.1). revoked: which kind was found ('access_token', 'refresh_token'), or NULL
-- (unknown, or another client's: answered the same way, §2.2).
CREATE OR REPLACE FUNCTION oauth_revoke(p_client_id text, p_proof text, p_fresh boolean,
  p_source text, p_policy integer[], p_jti text, p_grant_id uuid, p_expires_at timestamptz,
  p_refresh_hash text)
RETURNS TABLE (outcome text, retry_after integer, revoked text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v record;
  target uuid;
BEGIN
  SELECT * INTO v FROM auth_remembered('client', p_client_id, p_proof, p_fresh);
  IF NOT FOUND THEN
    SELECT * INTO v FROM auth_verify('client', p_client_id, p_proof, p_fresh, p_source, p_policy);
  END IF;
  IF v.outcome <> 'ok' THEN
    RETURN QUERY SELECT v.outcome, v.retry_after, NULL::text;
    RETURN;
  END IF;
  IF p_grant_id IS NOT NULL
     AND EXISTS (SELECT 1 FROM grants g WHERE g.id = p_grant_id AND g.client_ref = v.ref) THEN
    INSERT INTO revoked_access_tokens (jti, grant_id, expires_at)
    VALUES (p_jti, p_grant_id, p_expires_at)
    ON CONFLICT (jti) DO NOTHING;
    RETURN QUERY SELECT 'ok'::text, 0, 'access_token'::text;
    RETURN;
  END IF;
  IF p_refresh_hash IS NOT NULL THEN
    SELECT g.id INTO target FROM refresh_tokens t JOIN grants g ON g.id = t.grant_id
    WHERE t.token_hash = p_refresh_hash AND g.client_ref = v.ref;
    IF target IS NOT NULL THEN
      UPDATE grants SET revoked_at = now(), revoke_reason = 'revoked_by_client'
      WHERE id = target AND revoked_at IS NULL;
      RETURN QUERY SELECT 'ok'::text, 0, 'refresh_token'::text;
      RETURN;
    END IF;
  END IF;
  RETURN QUERY SELECT 'ok'::text, 0, NULL::text;
END
$$;

-- A grant is either an agent's (agent, its owner, the code it came from and the model all
-- set) or a client's own (none of them). A trigger, created in triggers.sql for INSERT and for
-- an UPDATE of those columns, rather than a CHECK: PostgreSQL re-plans a table's CHECK
-- constraints for every INSERT and UPDATE statement, and every refresh updates a grant's
-- last_used_at (bench/ANALYSIS.md, "Seventh round"). It names no table (no search_path).
CREATE OR REPLACE FUNCTION grants_agent_or_client_own() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF num_nulls(NEW.agent_ref, NEW.agent_owner_id, NEW.code_hash, NEW.model) NOT IN (0, 4) THEN
    RAISE EXCEPTION 'a grant is either an agent''s (agent, owner, code and model) or a client''s own (none)'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'grants_agent_or_client_own',
            TABLE = 'grants';
  END IF;
  RETURN NEW;
END
$$;

REVOKE ALL ON FUNCTION
  grants_agent_or_client_own(), oauth_access_state(text, uuid), oauth_refresh_state(text),
  oauth_access_token_state(text, uuid, text, timestamptz),
  oauth_introspect(text, text, boolean, text, integer[], text, uuid, text),
  oauth_revoke(text, text, boolean, text, integer[], text, uuid, timestamptz, text)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  oauth_access_token_state(text, uuid, text, timestamptz),
  oauth_introspect(text, text, boolean, text, integer[], text, uuid, text),
  oauth_revoke(text, text, boolean, text, integer[], text, uuid, timestamptz, text)
TO auth_agent_app;
