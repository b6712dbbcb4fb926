-- Clients that register themselves (docs/mcp.md): Dynamic Client Registration (RFC 7591,
-- RFC 7592) and Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document).
-- Such clients have no owner until an owner claims one; private_key_jwt client
-- authentication (RFC 7523 §2.2); the client_credentials grant (RFC 6749 §4.4), whose grants
-- have no agent.

-- Who registered a client: an owner (console or CLI), the client itself at POST /register, or
-- its metadata document, fetched from the https URL that is its client_id.
ALTER TABLE clients ADD COLUMN registration text NOT NULL DEFAULT 'owner'
  CHECK (registration IN ('owner', 'dynamic', 'metadata_document'));
ALTER TABLE clients ALTER COLUMN owner_id DROP NOT NULL;
ALTER TABLE clients ADD CONSTRAINT clients_owner_unless_self_registered
  CHECK (owner_id IS NOT NULL OR registration <> 'owner');

-- A metadata document's client_id is its URL; every other client_id is generated.
ALTER TABLE clients DROP CONSTRAINT IF EXISTS clients_client_id_check;
ALTER TABLE clients ADD CONSTRAINT clients_client_id_form CHECK (
  CASE WHEN registration = 'metadata_document'
       THEN client_id ~ '^https?://[\x21-\x7e]+$' AND length(client_id) <= 512
       ELSE client_id ~ '^[A-Za-z0-9._~-]{3,128}$' END);

-- RFC 7591 §2 token_endpoint_auth_method, stated rather than inferred: a client without a
-- secret is either public ('none') or proves itself with a key ('private_key_jwt').
ALTER TABLE clients ADD COLUMN token_endpoint_auth_method text;
UPDATE clients SET token_endpoint_auth_method =
  CASE WHEN secret_hash IS NULL THEN 'none' ELSE 'client_secret_basic' END;
ALTER TABLE clients ALTER COLUMN token_endpoint_auth_method SET NOT NULL;
ALTER TABLE clients ADD COLUMN jwks jsonb;
ALTER TABLE clients ADD COLUMN jwks_uri text CHECK (length(jwks_uri) <= 2048);
ALTER TABLE clients ADD CONSTRAINT clients_auth_method_consistent CHECK (
  token_endpoint_auth_method IN ('client_secret_basic', 'client_secret_post', 'none',
                                 'private_key_jwt')
  AND (secret_hash IS NOT NULL)
      = (token_endpoint_auth_method IN ('client_secret_basic', 'client_secret_post'))
  AND (jwks IS NOT NULL OR jwks_uri IS NOT NULL) = (token_endpoint_auth_method = 'private_key_jwt')
  AND (jwks IS NULL OR jwks_uri IS NULL));

-- RFC 7591 §2 grant_types. Only client_credentials is opt-in; a client with no
-- authorization_code needs no redirect URI.
ALTER TABLE clients ADD COLUMN grant_types text[] NOT NULL
  DEFAULT '{authorization_code,refresh_token}'
  CHECK (grant_types <@ '{authorization_code,refresh_token,client_credentials}'::text[]);
ALTER TABLE clients DROP CONSTRAINT IF EXISTS clients_redirect_uris_check;
ALTER TABLE clients ADD CONSTRAINT clients_redirect_uris_count CHECK (
  cardinality(redirect_uris) <= 20
  AND (cardinality(redirect_uris) >= 1 OR NOT 'authorization_code' = ANY (grant_types)));

-- RFC 7592: the registration access token (only its SHA-256) while the client has no owner;
-- and when a metadata document was last fetched.
ALTER TABLE clients ADD COLUMN registration_token_hash text;
ALTER TABLE clients ADD COLUMN metadata_fetched_at timestamptz;
CREATE INDEX clients_ownerless_idx ON clients (created_at) WHERE owner_id IS NULL;
-- The application role reads every new column but the token's hash (011_abuse_resistance.sql
-- took table-wide SELECT away where it ran first).
GRANT SELECT (registration, token_endpoint_auth_method, jwks, jwks_uri, grant_types,
              metadata_fetched_at)
  ON clients TO auth_agent_app;

-- Grants of ownerless clients have no client owner; a client acting for itself
-- (client_credentials) has a grant with no agent, no code and no model.
ALTER TABLE grants ALTER COLUMN client_owner_id DROP NOT NULL;
ALTER TABLE grants ALTER COLUMN agent_ref DROP NOT NULL;
ALTER TABLE grants ALTER COLUMN agent_owner_id DROP NOT NULL;
ALTER TABLE grants ALTER COLUMN code_hash DROP NOT NULL;
ALTER TABLE grants ALTER COLUMN model DROP NOT NULL;
ALTER TABLE grants ADD CONSTRAINT grants_agent_or_client_own CHECK (
  (agent_ref IS NULL) = (agent_owner_id IS NULL)
  AND (agent_ref IS NULL) = (code_hash IS NULL)
  AND (agent_ref IS NULL) = (model IS NULL));

-- Initial access tokens for POST /register when CLIENT_REGISTRATION=token (RFC 7591 §3).
-- Only the hash is stored; reached only through functions/11-client-registration.sql.
CREATE TABLE registration_tokens (
  token_hash text PRIMARY KEY,
  created_by uuid REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  uses_left integer NOT NULL CHECK (uses_left >= 0)
);
ALTER TABLE registration_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE registration_tokens FORCE ROW LEVEL SECURITY;

-- private_key_jwt assertions already used (RFC 7523 §3 item 7), per client, until they
-- expire: a replay is refused on every instance.
CREATE TABLE client_assertion_jtis (
  client_ref uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  jti_hash text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (client_ref, jti_hash)
);
CREATE INDEX client_assertion_jtis_expiry_idx ON client_assertion_jtis (expires_at);
ALTER TABLE client_assertion_jtis ENABLE ROW LEVEL SECURITY;
ALTER TABLE client_assertion_jtis FORCE ROW LEVEL SECURITY;

-- The clients_owner_or_admin policy (001_core.sql) already hides ownerless clients from every
-- owner (owner_id = app_current_user_id() is never true for NULL); only admins see them, and an
-- owner gets one only by claiming it (app_claim_client).

-- Functions whose signature or result changed, or that are gone.
DROP FUNCTION IF EXISTS
  oauth_redirect_uri_allowed(text[], text),
  auth_principal(text, text),
  oauth_authorize_client(text, text),
  oauth_create_request(text, text, text, text, text, text, text, integer),
  security_public_client_redirect_uris(),
  security_purge_expired();
