-- APIs (resource servers) and RFC 8707 resource indicators (docs/resource-servers.md). The
-- form of a resource URI is checked in TypeScript (oauth/resource-indicators.ts); what is
-- registered, and which scopes an API defines, is decided here.

-- Whether a request names a resource or a scope that is not an OpenID Connect one, that is,
-- whether oauth_resources_outcome has anything to check. LANGUAGE sql, inlined into the
-- caller's test (00-shared.sql, top).
CREATE OR REPLACE FUNCTION oauth_resources_named(p_resources text[], p_resource_scopes text[])
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$ SELECT NOT (cardinality(p_resources) = 0 AND cardinality(p_resource_scopes) = 0) $$;

-- RFC 8707 §2: every resource a request names must be a registered API that may act (it and
-- its owner enabled), else 'invalid_target'; every scope that is not an OpenID Connect one
-- (p_resource_scopes, split off by oauth/scopes.ts) must be defined by one of those APIs,
-- else 'invalid_scope'. 'ok' otherwise, and always for no resources and no such scopes.
-- plpgsql, not sql: it runs queries of its own on every authorization and token request,
-- and plpgsql keeps their plans per connection (00-shared.sql). The common case, no resource
-- and no such scope at all, needs no call: callers test oauth_resources_named first.
CREATE OR REPLACE FUNCTION oauth_resources_outcome(p_resources text[], p_resource_scopes text[])
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  IF NOT oauth_resources_named(p_resources, p_resource_scopes) THEN
    RETURN 'ok';
  END IF;
  RETURN CASE
    WHEN EXISTS (
      SELECT 1 FROM unnest(p_resources) AS r(uri)
      WHERE NOT EXISTS (
        SELECT 1 FROM resource_servers s JOIN users u ON u.id = s.owner_id
        WHERE s.identifier = r.uri AND auth_enabled(s.disabled_at, u.disabled_at)))
      THEN 'invalid_target'
    WHEN EXISTS (
      SELECT 1 FROM unnest(p_resource_scopes) AS w(scope)
      WHERE NOT EXISTS (
        SELECT 1 FROM resource_servers s
        WHERE s.identifier = ANY (p_resources) AND w.scope = ANY (s.scopes)))
      THEN 'invalid_scope'
    ELSE 'ok'
  END;
END
$$;

-- RFC 8707 §2.2: a token for one resource p_resource of those granted carries only the scopes
-- that concern it: that API's own, and those no granted API defines (OpenID Connect's, which
-- are the client's).
CREATE OR REPLACE FUNCTION oauth_scope_narrowed(p_scope text, p_granted text[],
  p_resource text)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  RETURN coalesce((
    SELECT string_agg(w.scope, ' ' ORDER BY w.n)
    FROM unnest(string_to_array(p_scope, ' ')) WITH ORDINALITY AS w(scope, n)
    WHERE EXISTS (SELECT 1 FROM resource_servers s
                  WHERE s.identifier = p_resource AND w.scope = ANY (s.scopes))
       OR NOT EXISTS (SELECT 1 FROM resource_servers s
                      WHERE s.identifier = ANY (p_granted) AND w.scope = ANY (s.scopes))), '');
END
$$;

-- The scope of a token: narrowed to p_resource when one is asked for, else unchanged.
-- LANGUAGE sql, inlined into the caller: a token without a resource costs no function call.
CREATE OR REPLACE FUNCTION oauth_scope_for_resource(p_scope text, p_granted text[],
  p_resource text)
RETURNS text
LANGUAGE sql STABLE
AS $$
  SELECT CASE WHEN p_resource IS NULL THEN p_scope
              ELSE oauth_scope_narrowed(p_scope, p_granted, p_resource) END
$$;

-- The audience of a token from a grant of p_granted resources (RFC 8707 §2.2): the one asked
-- for, which must be among them ('invalid_target' otherwise: a token request or a refresh
-- may narrow, never widen), or all of them. Each must still be a registered, enabled API.
CREATE OR REPLACE FUNCTION oauth_token_audience(p_granted text[], p_resource text,
  OUT audience text[], OUT outcome text)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  audience := CASE WHEN p_resource IS NULL THEN p_granted ELSE ARRAY[p_resource] END;
  IF p_resource IS NOT NULL AND NOT (p_resource = ANY (p_granted)) THEN
    outcome := 'invalid_target';
  ELSE
    outcome := oauth_resources_outcome(audience, '{}');
  END IF;
END
$$;

-- The APIs an agent may obtain tokens for (agent_allowed_apis, 022_agent_allowed_apis.sql):
-- when its owner lists some, every resource of p_resources must be one of them, else
-- 'api_not_allowed'. 'ok' otherwise: always for no resources (the client's own token) and
-- for an agent with no list (any API). Checked when the agent signs in
-- (oauth_complete_request, 04-oauth-requests.sql) and again for every token and refresh
-- (oauth_agent_token_audience), so that narrowing the list also stops existing grants.
CREATE OR REPLACE FUNCTION oauth_agent_apis_outcome(p_agent_ref uuid, p_resources text[])
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  IF coalesce(cardinality(p_resources), 0) = 0
     OR NOT EXISTS (SELECT 1 FROM agent_allowed_apis w WHERE w.agent_ref = p_agent_ref) THEN
    RETURN 'ok';
  END IF;
  RETURN CASE WHEN EXISTS (
    SELECT 1 FROM unnest(p_resources) AS r(uri)
    WHERE NOT EXISTS (
      SELECT 1 FROM agent_allowed_apis w JOIN resource_servers s ON s.id = w.api_ref
      WHERE w.agent_ref = p_agent_ref AND s.identifier = r.uri))
    THEN 'api_not_allowed' ELSE 'ok' END;
END
$$;

-- Whether a token from a grant of p_granted resources, asked for p_resource, has an API
-- audience to check. Not in the common case, a token for the client itself (nothing granted,
-- nothing asked): its audience is p_granted as it is. LANGUAGE sql, inlined into the caller's
-- test, so that case costs no call of oauth_agent_token_audience (00-shared.sql, top).
CREATE OR REPLACE FUNCTION oauth_audience_to_check(p_granted text[], p_resource text)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$ SELECT p_resource IS NOT NULL OR coalesce(cardinality(p_granted), 0) > 0 $$;

-- oauth_token_audience for a grant of agent p_agent_ref: its audience must also be among the
-- APIs the agent may use now ('api_not_allowed' otherwise).
CREATE OR REPLACE FUNCTION oauth_agent_token_audience(p_agent_ref uuid, p_granted text[],
  p_resource text, OUT audience text[], OUT outcome text)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  IF NOT oauth_audience_to_check(p_granted, p_resource) THEN
    audience := p_granted;
    outcome := 'ok';
    RETURN;
  END IF;
  SELECT t.audience, t.outcome INTO audience, outcome
  FROM oauth_token_audience(p_granted, p_resource) AS t;
  IF outcome = 'ok' THEN
    outcome := oauth_agent_apis_outcome(p_agent_ref, audience);
  END IF;
END
$$;

-- RFC 7662 §2.1 for an API: authenticated with its own credentials (principal kind 'api',
-- 02-principals.sql), it learns about an access token only when the token is addressed to
-- it: p_audience is the `aud` of the token's verified signature, and must name the API's
-- identifier. Anything else (another API's token, a client's token, a refresh token) is
-- simply inactive (§2.2). token_type is 'access_token' when the token is the API's.
CREATE OR REPLACE FUNCTION oauth_introspect_for_api(p_api_id text, p_proof text,
  p_fresh boolean, p_source text, p_policy integer[], p_jti text, p_grant_id uuid,
  p_audience text[])
RETURNS TABLE (outcome text, retry_after integer, token_type text, active boolean,
               agent_id text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v record;
  identifier text;
BEGIN
  SELECT * INTO v FROM auth_remembered('api', p_api_id, p_proof, p_fresh);
  IF NOT FOUND THEN
    SELECT * INTO v FROM auth_verify('api', p_api_id, p_proof, p_fresh, p_source, p_policy);
  END IF;
  IF v.outcome <> 'ok' THEN
    RETURN QUERY SELECT v.outcome, v.retry_after, NULL::text, NULL::boolean, NULL::text;
    RETURN;
  END IF;
  SELECT s.identifier INTO identifier FROM resource_servers s WHERE s.id = v.ref;
  IF p_grant_id IS NOT NULL AND identifier = ANY (p_audience) THEN
    RETURN QUERY
    SELECT 'ok'::text, 0, 'access_token'::text, s.active, s.agent_id
    FROM oauth_access_state(p_jti, p_grant_id) s
    JOIN grants g ON g.id = p_grant_id
    WHERE identifier = ANY (g.resources);
    IF FOUND THEN RETURN; END IF;
  END IF;
  RETURN QUERY SELECT 'ok'::text, 0, NULL::text, NULL::boolean, NULL::text;
END
$$;

-- The operator's view and changes of every owner's APIs (the CLI, on its privileged
-- connection), like operator_clients and operator_delete_principal (10-operator.sql).
CREATE OR REPLACE FUNCTION operator_apis(p_owner_email text)
RETURNS TABLE (api_id text, identifier text, name text, scopes text[], owner_email text,
               disabled boolean, locked boolean, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT s.api_id, s.identifier, s.name, s.scopes, u.email, s.disabled_at IS NOT NULL,
         operator_subject_locked('api', s.api_id), s.created_at
  FROM resource_servers s JOIN users u ON u.id = s.owner_id
  WHERE p_owner_email IS NULL OR lower(u.email) = lower(p_owner_email)
  ORDER BY s.created_at, s.api_id
$$;

CREATE OR REPLACE FUNCTION operator_set_api_secret(p_api_id text, p_secret_hash text)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH changed AS (
    UPDATE resource_servers SET secret_hash = p_secret_hash, updated_at = now()
    WHERE api_id = p_api_id RETURNING id
  )
  SELECT EXISTS (SELECT 1 FROM changed)
$$;

REVOKE ALL ON FUNCTION
  oauth_resources_named(text[], text[]), oauth_resources_outcome(text[], text[]),
  oauth_scope_narrowed(text, text[], text),
  oauth_scope_for_resource(text, text[], text),
  oauth_token_audience(text[], text), oauth_agent_apis_outcome(uuid, text[]),
  oauth_audience_to_check(text[], text), oauth_agent_token_audience(uuid, text[], text),
  oauth_introspect_for_api(text, text, boolean, text, integer[], text, uuid, text[]),
  operator_apis(text), operator_set_api_secret(text, text)
FROM PUBLIC;
REVOKE ALL ON FUNCTION operator_apis(text), operator_set_api_secret(text, text)
FROM auth_agent_app;
GRANT EXECUTE ON FUNCTION
  oauth_introspect_for_api(text, text, boolean, text, integer[], text, uuid, text[])
TO auth_agent_app;
