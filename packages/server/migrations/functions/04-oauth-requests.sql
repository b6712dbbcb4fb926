-- Authorization requests (RFC 6749 §4.1.1) and the agent sign-in that completes them.

-- The client an authorization request names, and whether its redirect_uri may be used
-- (oauth_redirect_uri_allowed: exact, or any loopback port for a public client).
-- outcome: 'ok' | 'unknown_client' (unknown, or it or its owner disabled) | 'redirect_mismatch'
-- (ref is then NULL). registration: who registered the client ('owner', 'dynamic',
-- 'metadata_document'). Always one row. LANGUAGE sql, one query, so that it is inlined into
-- its callers: as a plpgsql function it cost every authorization request a nested call and
-- statement, a fifth of oauth_create_request (bench/ANALYSIS.md, "Eighth round").
CREATE OR REPLACE FUNCTION oauth_authorize_client(p_client_id text, p_redirect_uri text)
RETURNS TABLE (ref uuid, client_name text, registration text, outcome text)
LANGUAGE sql STABLE
AS $$
  SELECT CASE WHEN c.allowed THEN c.id END, c.name, c.registration,
         CASE WHEN c.id IS NULL THEN 'unknown_client'
              WHEN c.allowed THEN 'ok'
              ELSE 'redirect_mismatch' END
  FROM (SELECT 1) AS one
  LEFT JOIN (
    SELECT c.id, c.name, c.registration,
           oauth_redirect_uri_allowed(c.redirect_uris, p_redirect_uri,
                                      c.token_endpoint_auth_method = 'none') AS allowed
    FROM clients c LEFT JOIN users u ON u.id = c.owner_id
    WHERE c.client_id = p_client_id AND auth_enabled(c.disabled_at, u.disabled_at)
  ) AS c ON true
$$;

-- Whether errors about an authorization request may be sent to its redirect_uri
-- (RFC 6749 §4.1.2.1): only once the client and that exact URI are verified.
CREATE OR REPLACE FUNCTION oauth_redirect_trusted(p_client_id text, p_redirect_uri text)
RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT a.outcome FROM oauth_authorize_client(p_client_id, p_redirect_uri) AS a $$;

-- Stores a well-formed authorization request for a verified client and redirect URI, in the
-- same call as the check. Nothing is stored unless outcome is 'ok'. p_nonce is the OpenID
-- Connect nonce, for the ID token (NULL when none was sent). p_resources are the request's
-- RFC 8707 resource indicators and p_resource_scopes its scopes that are not OpenID Connect
-- ones: once the client and redirect URI are verified, an unknown resource is
-- 'invalid_target' and a scope no named API defines 'invalid_scope' (oauth_resources_outcome,
-- 13-resource-servers.sql), errors the client's redirect URI may receive.
CREATE OR REPLACE FUNCTION oauth_create_request(p_client_id text, p_redirect_uri text,
  p_request_hash text, p_state text, p_code_challenge text, p_scope text, p_browser_hash text,
  p_ttl_seconds integer, p_nonce text, p_resources text[], p_resource_scopes text[])
RETURNS TABLE (outcome text, expires_at timestamptz, client_name text, client_registration text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  c record;
  expiry timestamptz;
BEGIN
  SELECT * INTO c FROM oauth_authorize_client(p_client_id, p_redirect_uri);
  IF c.outcome = 'ok' AND oauth_resources_named(p_resources, p_resource_scopes) THEN
    c.outcome := oauth_resources_outcome(p_resources, p_resource_scopes);
  END IF;
  IF c.outcome <> 'ok' THEN
    RETURN QUERY SELECT c.outcome, NULL::timestamptz, NULL::text, NULL::text;
    RETURN;
  END IF;
  INSERT INTO auth_requests (request_hash, client_ref, redirect_uri, state, code_challenge, scope,
                             browser_hash, nonce, resources, expires_at)
  VALUES (p_request_hash, c.ref, p_redirect_uri, p_state, p_code_challenge, p_scope,
          p_browser_hash, p_nonce, p_resources, now() + make_interval(secs => p_ttl_seconds))
  RETURNING auth_requests.expires_at INTO expiry;
  RETURN QUERY SELECT 'ok'::text, expiry, c.client_name, c.registration;
END
$$;

CREATE OR REPLACE FUNCTION oauth_request_status(p_request_hash text)
RETURNS TABLE (status text, redirect_uri text, state text, browser_hash text, expires_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT oauth_request_status_of(r.status, r.expires_at), r.redirect_uri, r.state,
         r.browser_hash, r.expires_at
  FROM auth_requests r
  WHERE r.request_hash = p_request_hash;
END
$$;

-- Before an agent's secret is derived: the request must be pending (else its status comes
-- back, 'not_found' for an unknown one, and no attempt is counted), then as auth_begin.
CREATE OR REPLACE FUNCTION oauth_sign_in_begin(p_request_hash text, p_agent_id text,
  p_source text, p_policy integer[])
RETURNS TABLE (request_status text, outcome text, hash_params text, known boolean,
               retry_after integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  status text;
BEGIN
  SELECT oauth_request_status_of(r.status, r.expires_at) INTO status
  FROM auth_requests r WHERE r.request_hash = p_request_hash;
  IF status IS DISTINCT FROM 'pending' THEN
    RETURN QUERY SELECT coalesce(status, 'not_found'), NULL::text, NULL::text, NULL::boolean, 0;
    RETURN;
  END IF;
  RETURN QUERY SELECT 'pending'::text, b.outcome, b.hash_params, b.known, b.retry_after
  FROM auth_begin('agent', p_agent_id, p_source, p_policy) AS b;
END
$$;

-- The agent signs in: its proof is checked, then the pending request becomes authenticated
-- and gets its single code, all in one call, so two agents racing on one request cannot
-- both win. A wrong secret also counts against the request, which is denied after
-- p_max_attempts. outcome: 'ok', a principal_* outcome (02-principals.sql),
-- 'website_not_allowed', 'api_not_allowed', or the request's status ('not_found', 'expired',
-- 'authenticated', 'denied'). first_sign_in is set on the agent's first sign-in at this
-- website (and API), decided in this same call (sign_in_first_seen,
-- 16-sign-in-notifications.sql).
CREATE OR REPLACE FUNCTION oauth_complete_request(p_agent_id text, p_proof text,
  p_fresh boolean, p_source text, p_policy integer[], p_request_hash text, p_model text,
  p_code_hash text, p_code_ttl_seconds integer, p_max_attempts integer)
RETURNS TABLE (outcome text, retry_after integer, first_sign_in jsonb)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  v record;
  r auth_requests%ROWTYPE;
BEGIN
  SELECT * INTO v FROM auth_remembered('agent', p_agent_id, p_proof, p_fresh);
  IF NOT FOUND THEN
    SELECT * INTO v FROM auth_verify('agent', p_agent_id, p_proof, p_fresh, p_source, p_policy);
  END IF;
  IF v.outcome IN ('principal_invalid', 'principal_under_attack') THEN
    UPDATE auth_requests
    SET failed_attempts = failed_attempts + 1,
        status = CASE WHEN failed_attempts + 1 >= p_max_attempts THEN 'denied' ELSE status END,
        completed_at = CASE WHEN failed_attempts + 1 >= p_max_attempts THEN now() ELSE completed_at END
    WHERE request_hash = p_request_hash AND status = 'pending' AND expires_at > now();
  END IF;
  IF v.outcome <> 'ok' THEN
    RETURN QUERY SELECT v.outcome, v.retry_after, NULL::jsonb;
    RETURN;
  END IF;
  -- Most agents are not restricted: one statement (two index probes) says so, and the
  -- checks below run only for an agent whose owner keeps a list.
  IF EXISTS (SELECT 1 FROM agent_allowed_clients w WHERE w.agent_ref = v.ref)
     OR EXISTS (SELECT 1 FROM agent_allowed_apis w WHERE w.agent_ref = v.ref) THEN
    -- An agent whose owner lists the websites it may sign in to (agent_allowed_clients) is
    -- refused anywhere else, and the request is denied (RFC 6749 §4.1.2.1 access_denied).
    IF EXISTS (SELECT 1 FROM agent_allowed_clients w WHERE w.agent_ref = v.ref)
       AND NOT EXISTS (SELECT 1 FROM agent_allowed_clients w
                       JOIN auth_requests q ON q.client_ref = w.client_ref
                       WHERE w.agent_ref = v.ref AND q.request_hash = p_request_hash) THEN
      UPDATE auth_requests SET status = 'denied', completed_at = now()
      WHERE request_hash = p_request_hash AND status = 'pending' AND expires_at > now();
      RETURN QUERY SELECT 'website_not_allowed'::text, 0, NULL::jsonb;
      RETURN;
    END IF;
    -- Likewise for the APIs (RFC 8707 resources) it may obtain tokens for (agent_allowed_apis,
    -- oauth_agent_apis_outcome in 13-resource-servers.sql).
    IF oauth_agent_apis_outcome(v.ref, (SELECT q.resources FROM auth_requests q
                                        WHERE q.request_hash = p_request_hash)) <> 'ok' THEN
      UPDATE auth_requests SET status = 'denied', completed_at = now()
      WHERE request_hash = p_request_hash AND status = 'pending' AND expires_at > now();
      RETURN QUERY SELECT 'api_not_allowed'::text, 0, NULL::jsonb;
      RETURN;
    END IF;
  END IF;
  UPDATE auth_requests
  SET status = 'authenticated', agent_ref = v.ref, model = p_model, completed_at = now()
  WHERE request_hash = p_request_hash AND status = 'pending' AND expires_at > now()
  RETURNING * INTO r;
  IF NOT FOUND THEN
    RETURN QUERY
    SELECT coalesce((SELECT oauth_request_status_of(q.status, q.expires_at)
                     FROM auth_requests q WHERE q.request_hash = p_request_hash), 'not_found'), 0,
           NULL::jsonb;
    RETURN;
  END IF;
  -- Every sign-in authenticates the agent anew, so auth_time is now (OpenID Connect Core §2).
  INSERT INTO auth_codes (code_hash, request_hash, client_ref, agent_ref, redirect_uri,
                          code_challenge, scope, model, nonce, auth_time, resources, expires_at)
  VALUES (p_code_hash, p_request_hash, r.client_ref, v.ref, r.redirect_uri, r.code_challenge,
          r.scope, p_model, r.nonce, r.completed_at, r.resources,
          now() + make_interval(secs => p_code_ttl_seconds));
  -- A pair already recorded (every sign-in but an agent's first at a website) is seen by
  -- index probes in this statement; sign_in_first_seen runs only when one may be new.
  RETURN QUERY SELECT 'ok'::text, 0,
    CASE WHEN NOT EXISTS (
           SELECT 1 FROM unnest(sign_in_resource_keys(r.resources)) AS k(resource)
           WHERE NOT EXISTS (SELECT 1 FROM agent_first_sign_ins f
                             WHERE f.agent_ref = v.ref AND f.client_ref = r.client_ref
                               AND f.resource = k.resource))
         THEN NULL
         ELSE sign_in_first_seen(v.ref, r.client_ref, r.resources) END;
END
$$;

REVOKE ALL ON FUNCTION
  oauth_authorize_client(text, text), oauth_redirect_trusted(text, text),
  oauth_create_request(text, text, text, text, text, text, text, integer, text, text[],
                       text[]),
  oauth_request_status(text), oauth_sign_in_begin(text, text, text, integer[]),
  oauth_complete_request(text, text, boolean, text, integer[], text, text, text, integer, integer)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  oauth_redirect_trusted(text, text),
  oauth_create_request(text, text, text, text, text, text, text, integer, text, text[],
                       text[]),
  oauth_request_status(text), oauth_sign_in_begin(text, text, text, integer[]),
  oauth_complete_request(text, text, boolean, text, integer[], text, text, text, integer, integer)
TO auth_agent_app;
