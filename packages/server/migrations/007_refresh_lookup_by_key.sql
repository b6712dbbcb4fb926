-- oauth_rotate_refresh found the presented token with
--   refresh_tokens JOIN grants ON ... WHERE token_hash = $1 AND grants.client_ref = $2.
-- plpgsql keeps a generic plan per connection, and one made while `grants` was small (stats
-- not yet refreshed by autovacuum) scans every grant of the client through grants_client_idx
-- instead of reading the one grant by its key: a client with thousands of live grants then
-- paid ~1 ms of PostgreSQL CPU per refresh (seen with auto_explain in the bench, right after
-- the sign-in scenario; bench/ANALYSIS.md). Here each row is read by its primary key and the
-- client is compared afterwards, so no statistics can choose the wide path. The grant was
-- also read three times; now twice (plain, then FOR UPDATE once the token is spent).
-- Behaviour is unchanged: RFC 6749 §6 (scope may narrow, never widen) and RFC 9700 §4.14.2
-- (a rotated token presented again revokes the whole family).

CREATE OR REPLACE FUNCTION oauth_rotate_refresh(p_token_hash text, p_client_ref uuid,
  p_scope text, p_new_hash text, p_ttl_seconds integer)
RETURNS TABLE (outcome text, grant_id uuid, agent_id text, scope text, model text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  t refresh_tokens%ROWTYPE;
  g grants%ROWTYPE;
  agent_public_id text;
  usable boolean;
BEGIN
  SELECT * INTO t FROM refresh_tokens WHERE token_hash = p_token_hash;
  IF FOUND THEN
    SELECT * INTO g FROM grants WHERE id = t.grant_id;
  END IF;
  -- Another client's token is answered exactly like an unknown one (RFC 6749 §5.2).
  IF g.id IS NULL OR g.client_ref IS DISTINCT FROM p_client_ref THEN
    RETURN QUERY SELECT 'invalid'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  IF p_scope IS NOT NULL AND NOT (string_to_array(p_scope, ' ') <@ string_to_array(g.scope, ' ')) THEN
    -- The token stays unspent when the request asks for more than the grant holds.
    RETURN QUERY SELECT 'invalid_scope'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  UPDATE refresh_tokens SET rotated_at = now()
  WHERE token_hash = p_token_hash AND rotated_at IS NULL;
  IF NOT FOUND THEN
    UPDATE grants SET revoked_at = now(), revoke_reason = 'refresh_reuse'
    WHERE id = t.grant_id AND revoked_at IS NULL;
    RETURN QUERY SELECT 'reused'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  -- Locked after the token is spent, in the same order as before, so a concurrent family
  -- revocation either lands first (seen here) or waits for this rotation to commit.
  SELECT * INTO g FROM grants WHERE id = t.grant_id FOR UPDATE;
  IF g.revoked_at IS NOT NULL THEN
    RETURN QUERY SELECT 'revoked'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  IF t.expires_at <= now() OR g.expires_at <= now() THEN
    RETURN QUERY SELECT 'expired'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  SELECT a.agent_id, (a.disabled_at IS NULL AND u.disabled_at IS NULL AND c.disabled_at IS NULL)
  INTO agent_public_id, usable
  FROM agents a JOIN users u ON u.id = a.owner_id, clients c
  WHERE a.id = g.agent_ref AND c.id = g.client_ref;
  IF NOT usable THEN
    RETURN QUERY SELECT 'agent_disabled'::text, NULL::uuid, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  INSERT INTO refresh_tokens (token_hash, grant_id, expires_at)
  VALUES (p_new_hash, g.id, least(g.expires_at, now() + make_interval(secs => p_ttl_seconds)));
  UPDATE grants SET last_used_at = now() WHERE id = g.id;
  RETURN QUERY SELECT 'ok'::text, g.id, agent_public_id, coalesce(p_scope, g.scope), g.model;
END
$$;
