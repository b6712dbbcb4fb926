-- The token endpoint's grants (RFC 6749 §4.1.3 and §6). Each takes the calling client as
-- (client_id, proof, fresh, source, policy) and checks it first (02-principals.sql); outcome is
-- then 'ok', a principal_* outcome, or the grant's own reason for refusing. A DPoP proof
-- (RFC 9449) comes as its key's thumbprint p_dpop_jkt and p_dpop_proof, the hash that names
-- it for replay detection until p_dpop_proof_expires (all NULL without a proof); a proof
-- seen before is refused as 'dpop_replay' before anything else happens.
-- On 'ok' the grant comes back with what its tokens need: the agent and the person it acts
-- for (the ID token's claims), when the agent signed in (auth_time) and the nonce, and the
-- access token's audience: the RFC 8707 resources it is for (empty: the client's own token).
-- A token request may name one resource p_resource among those granted (RFC 8707 §2.2);
-- the token is then for it alone, with the scopes that concern it (13-resource-servers.sql).

-- Redeems a code (RFC 6749 §4.1.3, RFC 7636 §4.6) atomically: consumption, PKCE and
-- redirect_uri checks and the new grant with its first refresh token happen in one call.
-- A second redemption revokes the grant the first one created (RFC 6749 §4.1.2,
-- RFC 9700 §4.2.4). p_verifier_challenge is BASE64URL(SHA256(code_verifier)). A public
-- client's refresh family is bound to the proof's key (RFC 9449 §5); a confidential
-- client's is not, since it authenticates.
CREATE OR REPLACE FUNCTION oauth_exchange_code(p_client_id text, p_proof text, p_fresh boolean,
  p_source text, p_policy integer[], p_code_hash text, p_redirect_uri text,
  p_verifier_challenge text, p_refresh_hash text, p_refresh_ttl_seconds integer,
  p_dpop_jkt text, p_dpop_proof text, p_dpop_proof_expires timestamptz, p_resource text,
  OUT outcome text, OUT retry_after integer, OUT grant_id uuid, OUT agent_id text,
  OUT scope text, OUT model text, OUT nonce text, OUT auth_time timestamptz,
  OUT user_email text, OUT user_name text, OUT email_verified boolean, OUT audience text[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v record;
  c auth_codes%ROWTYPE;
  a record;
  target record;
  token_audience text[];
BEGIN
  retry_after := 0;
  SELECT * INTO v FROM auth_remembered('client', p_client_id, p_proof, p_fresh);
  IF NOT FOUND THEN
    SELECT * INTO v FROM auth_verify('client', p_client_id, p_proof, p_fresh, p_source, p_policy);
  END IF;
  IF v.outcome <> 'ok' THEN
    outcome := v.outcome;
    retry_after := v.retry_after;
    RETURN;
  END IF;
  IF NOT oauth_dpop_proof_fresh(p_dpop_proof, p_dpop_proof_expires) THEN
    outcome := 'dpop_replay';
    RETURN;
  END IF;
  UPDATE auth_codes SET consumed_at = now()
  WHERE code_hash = p_code_hash AND client_ref = v.ref AND consumed_at IS NULL
  RETURNING * INTO c;
  IF NOT FOUND THEN
    IF EXISTS (SELECT 1 FROM auth_codes WHERE code_hash = p_code_hash AND client_ref = v.ref) THEN
      UPDATE grants SET revoked_at = now(), revoke_reason = 'code_replay'
      WHERE code_hash = p_code_hash AND revoked_at IS NULL;
      outcome := 'replayed';
    ELSE
      outcome := 'invalid';
    END IF;
    RETURN;
  END IF;
  -- A resource the code was not issued for is the client's mistake (invalid_target), and so
  -- is an API its agent's owner no longer allows (api_not_allowed, 13-resource-servers.sql):
  -- the code stays usable. It is given back here, in the transaction that took it and still
  -- holds its row, so no other exchange ever saw it spent (one that waited for the row finds
  -- it unspent). Spending first saves most exchanges, which name no API, a read of the code.
  token_audience := c.resources;
  IF oauth_audience_to_check(token_audience, p_resource) THEN
    target := oauth_agent_token_audience(c.agent_ref, token_audience, p_resource);
    IF target.outcome <> 'ok' THEN
      UPDATE auth_codes SET consumed_at = NULL WHERE code_hash = p_code_hash;
      outcome := target.outcome;
      RETURN;
    END IF;
    token_audience := target.audience;
  END IF;
  outcome := CASE
    WHEN c.expires_at <= now() THEN 'expired'
    WHEN c.redirect_uri <> p_redirect_uri THEN 'redirect_mismatch'
    WHEN c.code_challenge <> p_verifier_challenge THEN 'pkce_mismatch'
  END;
  IF outcome IS NOT NULL THEN RETURN; END IF;
  SELECT * INTO a FROM oauth_agent_of(c.agent_ref);
  IF a.usable IS NOT TRUE THEN
    outcome := 'agent_disabled';
    RETURN;
  END IF;
  INSERT INTO grants (agent_ref, client_ref, agent_owner_id, client_owner_id, code_hash, scope,
                      model, auth_time, dpop_jkt, resources, expires_at)
  SELECT c.agent_ref, c.client_ref, a.owner_id, cl.owner_id, c.code_hash, c.scope, c.model,
         c.auth_time, CASE WHEN cl.token_endpoint_auth_method = 'none' THEN p_dpop_jkt END,
         c.resources, now() + make_interval(secs => p_refresh_ttl_seconds)
  FROM clients cl WHERE cl.id = c.client_ref
  RETURNING id INTO grant_id;
  INSERT INTO refresh_tokens (token_hash, grant_id, expires_at)
  VALUES (p_refresh_hash, grant_id, now() + make_interval(secs => p_refresh_ttl_seconds));
  outcome := 'ok';
  agent_id := a.agent_id;
  scope := oauth_scope_for_resource(c.scope, c.resources, p_resource);
  audience := token_audience;
  model := c.model;
  nonce := c.nonce;
  auth_time := c.auth_time;
  user_email := a.user_email;
  user_name := a.user_name;
  email_verified := a.email_verified;
END
$$;

-- Rotates a refresh token (RFC 6749 §6, RFC 9700 §4.14.2). Presenting a token that was
-- already rotated is reuse: the whole family (the grant) is revoked. The token and its grant
-- are read by primary key and the client compared afterwards: a plan joining on client_ref
-- scanned every grant of a busy client (bench/ANALYSIS.md). A family bound to a DPoP key
-- refreshes only with a proof of that key ('dpop_mismatch', the token stays unspent).
CREATE OR REPLACE FUNCTION oauth_rotate_refresh(p_client_id text, p_proof text,
  p_fresh boolean, p_source text, p_policy integer[], p_token_hash text, p_scope text,
  p_new_hash text, p_ttl_seconds integer,
  p_dpop_jkt text, p_dpop_proof text, p_dpop_proof_expires timestamptz, p_resource text,
  p_retry_seconds integer,
  OUT outcome text, OUT retry_after integer, OUT grant_id uuid, OUT agent_id text,
  OUT scope text, OUT model text, OUT auth_time timestamptz,
  OUT user_email text, OUT user_name text, OUT email_verified boolean, OUT audience text[],
  OUT retried boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v record;
  t refresh_tokens%ROWTYPE;
  g grants%ROWTYPE;
  target record;
  a record;
  token_audience text[];
  grant_expires timestamptz;
BEGIN
  retry_after := 0;
  SELECT * INTO v FROM auth_remembered('client', p_client_id, p_proof, p_fresh);
  IF NOT FOUND THEN
    SELECT * INTO v FROM auth_verify('client', p_client_id, p_proof, p_fresh, p_source, p_policy);
  END IF;
  IF v.outcome <> 'ok' THEN
    outcome := v.outcome;
    retry_after := v.retry_after;
    RETURN;
  END IF;
  IF NOT oauth_dpop_proof_fresh(p_dpop_proof, p_dpop_proof_expires) THEN
    outcome := 'dpop_replay';
    RETURN;
  END IF;
  SELECT * INTO t FROM refresh_tokens WHERE token_hash = p_token_hash;
  IF FOUND THEN
    SELECT * INTO g FROM grants WHERE id = t.grant_id;
  END IF;
  -- Another client's token is answered exactly like an unknown one (RFC 6749 §5.2).
  IF g.id IS NULL OR g.client_ref IS DISTINCT FROM v.ref THEN
    outcome := 'invalid';
    RETURN;
  END IF;
  -- RFC 6749 §6: a refresh may narrow the scope, never widen it; the token stays unspent.
  IF p_scope IS NOT NULL AND NOT (string_to_array(p_scope, ' ') <@ string_to_array(g.scope, ' ')) THEN
    outcome := 'invalid_scope';
    RETURN;
  END IF;
  -- RFC 8707 §2.2: likewise a refresh may narrow to one granted resource, never widen; and
  -- not to an API the agent's owner has since taken off its list (api_not_allowed).
  token_audience := g.resources;
  IF oauth_audience_to_check(g.resources, p_resource) THEN
    target := oauth_agent_token_audience(g.agent_ref, g.resources, p_resource);
    IF target.outcome <> 'ok' THEN
      outcome := target.outcome;
      RETURN;
    END IF;
    token_audience := target.audience;
  END IF;
  IF g.dpop_jkt IS NOT NULL AND g.dpop_jkt IS DISTINCT FROM p_dpop_jkt THEN
    outcome := 'dpop_mismatch';
    RETURN;
  END IF;
  retried := false;
  UPDATE refresh_tokens SET rotated_at = now()
  WHERE token_hash = p_token_hash AND rotated_at IS NULL;
  IF NOT FOUND THEN
    -- RFC 9700 §4.14: a client that lost the answer to its refresh may send it again. The
    -- successor is derived from the spent token under a server key (p_new_hash is the same
    -- both times), so a retry is the same client, within p_retry_seconds of the rotation,
    -- whose successor was never used; it gets that successor again. Anything else is reuse.
    -- A fresh statement, so a rotation that committed while this one waited is seen.
    SELECT EXISTS (
      SELECT 1 FROM refresh_tokens spent JOIN refresh_tokens successor
        ON successor.token_hash = p_new_hash AND successor.grant_id = spent.grant_id
      WHERE spent.token_hash = p_token_hash AND successor.rotated_at IS NULL
        AND spent.rotated_at > now() - make_interval(secs => p_retry_seconds)) INTO retried;
    IF NOT retried THEN
      UPDATE grants SET revoked_at = now(), revoke_reason = 'refresh_reuse'
      WHERE id = t.grant_id AND revoked_at IS NULL;
      outcome := 'reused';
      RETURN;
    END IF;
  END IF;
  -- The grant is locked after the token is spent, so a concurrent family revocation either
  -- lands first (the UPDATE re-checks its conditions on the row it waited for) or waits for
  -- this rotation to commit. The agent is read first: joined into the UPDATE it cost twice the
  -- two statements (bench/ANALYSIS.md, "Eighth round"). Only when the UPDATE matches nothing
  -- is the reason looked up, in the order revoked, expired, agent disabled.
  SELECT * INTO a FROM oauth_agent_of(g.agent_ref);
  UPDATE grants gr SET last_used_at = now()
  WHERE gr.id = t.grant_id AND gr.revoked_at IS NULL AND gr.expires_at > now()
    AND t.expires_at > now() AND a.usable
  RETURNING 'ok', gr.id,
            oauth_scope_for_resource(coalesce(p_scope, gr.scope), gr.resources, p_resource),
            gr.model, gr.auth_time, gr.expires_at
  INTO outcome, grant_id, scope, model, auth_time, grant_expires;
  IF NOT FOUND THEN
    SELECT * INTO g FROM grants WHERE id = t.grant_id;
    outcome := CASE
      WHEN g.revoked_at IS NOT NULL THEN 'revoked'
      WHEN t.expires_at <= now() OR g.expires_at <= now() THEN 'expired'
      ELSE 'agent_disabled'
    END;
    RETURN;
  END IF;
  IF NOT retried THEN
    INSERT INTO refresh_tokens (token_hash, grant_id, expires_at)
    VALUES (p_new_hash, grant_id, least(grant_expires, now() + make_interval(secs => p_ttl_seconds)));
  END IF;
  agent_id := a.agent_id;
  user_email := a.user_email;
  user_name := a.user_name;
  email_verified := a.email_verified;
  audience := token_audience;
END
$$;

-- RFC 6749 §4.4: a confidential client asks for an access token for itself. Its grant has no
-- agent, no code and no refresh token (§4.4.3), and ends when the access token does; it exists
-- so that revocation, introspection and incident response reach the token like any other.
-- outcome: 'ok', a principal_* outcome, or 'unauthorized_client' (a public client, or one
-- that did not register the grant type), or the resources' refusal ('invalid_target',
-- 'invalid_scope': oauth_resources_outcome, 13-resource-servers.sql). p_resources (RFC 8707)
-- become the grant's, and p_resource_scopes, the scope, must be theirs.
CREATE OR REPLACE FUNCTION oauth_client_credentials(p_client_id text, p_proof text,
  p_fresh boolean, p_source text, p_policy integer[], p_scope text, p_ttl_seconds integer,
  p_resources text[], p_resource_scopes text[])
RETURNS TABLE (outcome text, retry_after integer, grant_id uuid)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v record;
  cl clients%ROWTYPE;
  new_grant uuid;
  refusal text;
BEGIN
  SELECT * INTO v FROM auth_remembered('client', p_client_id, p_proof, p_fresh);
  IF NOT FOUND THEN
    SELECT * INTO v FROM auth_verify('client', p_client_id, p_proof, p_fresh, p_source, p_policy);
  END IF;
  IF v.outcome <> 'ok' THEN
    RETURN QUERY SELECT v.outcome, v.retry_after, NULL::uuid;
    RETURN;
  END IF;
  SELECT * INTO cl FROM clients WHERE id = v.ref;
  IF cl.token_endpoint_auth_method = 'none' OR NOT 'client_credentials' = ANY (cl.grant_types) THEN
    RETURN QUERY SELECT 'unauthorized_client'::text, 0, NULL::uuid;
    RETURN;
  END IF;
  refusal := oauth_resources_outcome(p_resources, p_resource_scopes);
  IF refusal <> 'ok' THEN
    RETURN QUERY SELECT refusal, 0, NULL::uuid;
    RETURN;
  END IF;
  INSERT INTO grants (client_ref, client_owner_id, scope, resources, expires_at)
  VALUES (cl.id, cl.owner_id, p_scope, p_resources,
          now() + make_interval(secs => p_ttl_seconds))
  RETURNING id INTO new_grant;
  RETURN QUERY SELECT 'ok'::text, 0, new_grant;
END
$$;

REVOKE ALL ON FUNCTION
  oauth_exchange_code(text, text, boolean, text, integer[], text, text, text, text, integer,
                      text, text, timestamptz, text),
  oauth_rotate_refresh(text, text, boolean, text, integer[], text, text, text, integer, text,
                       text, timestamptz, text, integer),
  oauth_client_credentials(text, text, boolean, text, integer[], text, integer, text[], text[])
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  oauth_exchange_code(text, text, boolean, text, integer[], text, text, text, text, integer,
                      text, text, timestamptz, text),
  oauth_rotate_refresh(text, text, boolean, text, integer[], text, text, text, integer, text,
                       text, timestamptz, text, integer),
  oauth_client_credentials(text, text, boolean, text, integer[], text, integer, text[], text[])
TO auth_agent_app;
