-- Clients that register themselves (docs/mcp.md): Dynamic Client Registration (RFC 7591)
-- with its management protocol (RFC 7592), Client ID Metadata Documents, initial access
-- tokens, and claiming by an owner. The application checks the metadata's syntax
-- (src/clients/); these functions store it and decide who may read or change it.
-- A client is passed as jsonb: client_id, secret_hash, name, redirect_uris,
-- token_endpoint_auth_method, grant_types, jwks, jwks_uri.

-- A client's registration as RFC 7591 §3.2.1 answers it (without secrets). Table row types
-- do not appear in signatures: a new database gets these functions before its tables.
CREATE OR REPLACE FUNCTION oauth_registration_json(p_ref uuid)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
  SELECT jsonb_strip_nulls(jsonb_build_object(
    'client_id', c.client_id,
    'client_name', c.name,
    'redirect_uris', to_jsonb(c.redirect_uris),
    'token_endpoint_auth_method', c.token_endpoint_auth_method,
    'grant_types', to_jsonb(c.grant_types),
    'jwks', c.jwks,
    'jwks_uri', c.jwks_uri,
    'client_id_issued_at', extract(epoch FROM c.created_at)::bigint))
  FROM clients c WHERE c.id = p_ref
$$;

-- POST /register. With p_token_required (CLIENT_REGISTRATION=token) an initial access token
-- must be presented; one of its uses is spent in this same call. The client has no owner.
-- outcome: 'ok' | 'invalid_token'.
CREATE OR REPLACE FUNCTION oauth_register_client(p_initial_token_hash text,
  p_token_required boolean, p_client jsonb, p_registration_token_hash text)
RETURNS TABLE (outcome text, registration jsonb)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  created uuid;
BEGIN
  IF p_token_required THEN
    UPDATE registration_tokens SET uses_left = uses_left - 1
    WHERE token_hash = p_initial_token_hash AND uses_left > 0 AND expires_at > now();
    IF NOT FOUND THEN
      RETURN QUERY SELECT 'invalid_token'::text, NULL::jsonb;
      RETURN;
    END IF;
  END IF;
  INSERT INTO clients (client_id, secret_hash, name, redirect_uris, token_endpoint_auth_method,
                       grant_types, jwks, jwks_uri, registration, registration_token_hash)
  SELECT p_client->>'client_id', p_client->>'secret_hash', p_client->>'name',
         ARRAY(SELECT jsonb_array_elements_text(p_client->'redirect_uris')),
         p_client->>'token_endpoint_auth_method',
         ARRAY(SELECT jsonb_array_elements_text(p_client->'grant_types')),
         nullif(p_client->'jwks', 'null'), p_client->>'jwks_uri', 'dynamic',
         p_registration_token_hash
  RETURNING id INTO created;
  RETURN QUERY SELECT 'ok'::text, oauth_registration_json(created);
END
$$;

-- The client an RFC 7592 request manages: registered dynamically, not claimed, and named by
-- its registration access token. Anything else is answered alike (RFC 7592 §2.1: 401).
CREATE OR REPLACE FUNCTION oauth_registration_target(p_client_id text, p_token_hash text)
RETURNS uuid
LANGUAGE sql STABLE
AS $$
  SELECT c.id FROM clients c
  WHERE c.client_id = p_client_id AND c.registration = 'dynamic' AND c.owner_id IS NULL
    AND c.registration_token_hash = p_token_hash
$$;

-- RFC 7592 §2.1: read. NULL: no such registration for this token.
CREATE OR REPLACE FUNCTION oauth_registration_read(p_client_id text, p_token_hash text)
RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT oauth_registration_json(oauth_registration_target(p_client_id, p_token_hash)) $$;

-- RFC 7592 §2.2: replace the metadata. The authentication method cannot change (a new method
-- would need new credentials). outcome: 'ok' | 'invalid_token' | 'method_changed'.
CREATE OR REPLACE FUNCTION oauth_registration_update(p_client_id text, p_token_hash text,
  p_client jsonb)
RETURNS TABLE (outcome text, registration jsonb)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  target clients%ROWTYPE;
BEGIN
  SELECT * INTO target FROM clients
  WHERE id = oauth_registration_target(p_client_id, p_token_hash) FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'invalid_token'::text, NULL::jsonb;
    RETURN;
  END IF;
  IF target.token_endpoint_auth_method <> p_client->>'token_endpoint_auth_method' THEN
    RETURN QUERY SELECT 'method_changed'::text, NULL::jsonb;
    RETURN;
  END IF;
  UPDATE clients SET
    name = p_client->>'name',
    redirect_uris = ARRAY(SELECT jsonb_array_elements_text(p_client->'redirect_uris')),
    grant_types = ARRAY(SELECT jsonb_array_elements_text(p_client->'grant_types')),
    jwks = nullif(p_client->'jwks', 'null'), jwks_uri = p_client->>'jwks_uri',
    updated_at = now()
  WHERE id = target.id;
  RETURN QUERY SELECT 'ok'::text, oauth_registration_json(target.id);
END
$$;

-- RFC 7592 §2.3: delete (its grants, and so its tokens, go with it). False: no such
-- registration for this token.
CREATE OR REPLACE FUNCTION oauth_registration_delete(p_client_id text, p_token_hash text)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH gone AS (
    DELETE FROM clients WHERE id = oauth_registration_target(p_client_id, p_token_hash)
    RETURNING id
  )
  SELECT EXISTS (SELECT 1 FROM gone)
$$;

-- A client described by its metadata document (fetched and validated by the server) is
-- created, or updated to the document's current content. A client an admin disabled stays
-- disabled. outcome: 'ok' | 'conflict' (the client_id belongs to another kind of client).
CREATE OR REPLACE FUNCTION oauth_metadata_client_upsert(p_client jsonb)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  INSERT INTO clients AS c (client_id, name, redirect_uris, token_endpoint_auth_method,
                            grant_types, jwks, jwks_uri, registration, metadata_fetched_at)
  SELECT p_client->>'client_id', p_client->>'name',
         ARRAY(SELECT jsonb_array_elements_text(p_client->'redirect_uris')),
         p_client->>'token_endpoint_auth_method',
         ARRAY(SELECT jsonb_array_elements_text(p_client->'grant_types')),
         nullif(p_client->'jwks', 'null'), p_client->>'jwks_uri', 'metadata_document', now()
  ON CONFLICT (client_id) DO UPDATE SET
    name = excluded.name, redirect_uris = excluded.redirect_uris,
    token_endpoint_auth_method = excluded.token_endpoint_auth_method,
    grant_types = excluded.grant_types, jwks = excluded.jwks, jwks_uri = excluded.jwks_uri,
    metadata_fetched_at = now(), updated_at = now()
  WHERE c.registration = 'metadata_document';
  RETURN CASE WHEN FOUND THEN 'ok' ELSE 'conflict' END;
END
$$;

-- The keys a private_key_jwt client registered (inline, or where to fetch them), for the
-- server to verify its assertion; nothing for any other client.
CREATE OR REPLACE FUNCTION oauth_client_keys(p_client_id text)
RETURNS TABLE (jwks jsonb, jwks_uri text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT c.jwks, c.jwks_uri FROM clients c
  WHERE c.client_id = p_client_id AND c.token_endpoint_auth_method = 'private_key_jwt'
$$;

-- An initial access token for POST /register, made by the CLI (no user context) or by a
-- signed-in owner or admin (app.user_id set).
CREATE OR REPLACE FUNCTION app_create_registration_token(p_token_hash text,
  p_ttl_seconds integer, p_uses integer)
RETURNS timestamptz
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  INSERT INTO registration_tokens (token_hash, created_by, expires_at, uses_left)
  VALUES (p_token_hash, app_current_user_id(), now() + make_interval(secs => p_ttl_seconds), p_uses)
  RETURNING expires_at
$$;

-- An owner takes a dynamically registered client that nobody owns, proving the right to it
-- with its registration access token, which then stops working: from now on the owner
-- manages the client in the console. False: no such client for this token. The operator
-- (the CLI, on its privileged connection) names the owner; the console's signed-in owner
-- goes through app_claim_client, whose owner is the verified identity (01-rls.sql).
CREATE OR REPLACE FUNCTION oauth_claim_client(p_owner uuid, p_client_id text,
  p_token_hash text)
RETURNS boolean
LANGUAGE sql VOLATILE
AS $$
  WITH claimed AS (
    UPDATE clients SET owner_id = p_owner, registration_token_hash = NULL, updated_at = now()
    WHERE p_owner IS NOT NULL AND id = oauth_registration_target(p_client_id, p_token_hash)
    RETURNING id
  )
  SELECT EXISTS (SELECT 1 FROM claimed)
$$;

CREATE OR REPLACE FUNCTION app_claim_client(p_client_id text, p_token_hash text)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$ SELECT oauth_claim_client(app_current_user_id(), p_client_id, p_token_hash) $$;

REVOKE ALL ON FUNCTION
  oauth_registration_json(uuid), oauth_register_client(text, boolean, jsonb, text),
  oauth_registration_target(text, text), oauth_registration_read(text, text),
  oauth_registration_update(text, text, jsonb), oauth_registration_delete(text, text),
  oauth_metadata_client_upsert(jsonb), oauth_client_keys(text),
  app_create_registration_token(text, integer, integer), app_claim_client(text, text),
  oauth_claim_client(uuid, text, text)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
  oauth_register_client(text, boolean, jsonb, text), oauth_registration_read(text, text),
  oauth_registration_update(text, text, jsonb), oauth_registration_delete(text, text),
  oauth_metadata_client_upsert(jsonb), oauth_client_keys(text),
  app_create_registration_token(text, integer, integer), app_claim_client(text, text)
TO auth_agent_app;
