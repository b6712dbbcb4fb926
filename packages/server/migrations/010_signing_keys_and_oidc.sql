-- Tokens anyone can verify the standard way: asymmetric signing keys kept in the database
-- (sealed under KEY_ENCRYPTION_KEY) and rotated publish-then-activate; OpenID Connect (the
-- nonce and the time of the sign-in carried from /authorize to the ID token); DPoP (RFC 9449:
-- a public client's refresh family bound to a key, proof jtis remembered by every instance).

-- Functions whose signature or result changed (their new text is in functions/).
DROP FUNCTION IF EXISTS
  security_signing_keys(),
  security_rotate_signing_key(text, text, boolean, text),
  oauth_create_request(text, text, text, text, text, text, text, integer),
  oauth_exchange_code(text, text, boolean, text, integer[], text, text, text, text, integer),
  oauth_rotate_refresh(text, text, boolean, text, integer[], text, text, text, integer),
  oauth_access_token_state(text, uuid);

-- A key signs from activates_at (when it is the newest of its algorithm) and is published
-- and verifies until withdraw_at, or until revoked_at in an emergency. public_jwk is what
-- the JWKS publishes (asymmetric keys only); wrapped_key is the private key (or, for HS256,
-- the HMAC key) sealed with AES-256-GCM. Keys of the first release are HS256 keys, and a row
-- without material still marks the JWT_SECRET key (its kid) as revoked.
ALTER TABLE signing_keys
  ADD COLUMN alg text NOT NULL DEFAULT 'HS256',
  ADD COLUMN public_jwk jsonb,
  ADD COLUMN activates_at timestamptz,
  ADD COLUMN withdraw_at timestamptz;
UPDATE signing_keys SET activates_at = created_at;
ALTER TABLE signing_keys
  ALTER COLUMN alg DROP DEFAULT,
  ALTER COLUMN activates_at SET NOT NULL,
  ALTER COLUMN activates_at SET DEFAULT now(),
  ADD CONSTRAINT signing_keys_alg CHECK (alg IN ('ES256', 'EdDSA', 'RS256', 'HS256')),
  ADD CONSTRAINT signing_keys_public_jwk CHECK ((public_jwk IS NULL) = (alg = 'HS256'));

-- OpenID Connect Core §3.1.2.1 nonce, returned in the ID token; auth_time (§2) is when the
-- agent signed in, kept with the grant for the ID tokens of later refreshes (§12.2).
ALTER TABLE auth_requests ADD COLUMN nonce text;
ALTER TABLE auth_codes
  ADD COLUMN nonce text,
  ADD COLUMN auth_time timestamptz NOT NULL DEFAULT now();
ALTER TABLE grants ADD COLUMN auth_time timestamptz;
UPDATE grants SET auth_time = created_at;
ALTER TABLE grants
  ALTER COLUMN auth_time SET NOT NULL,
  ALTER COLUMN auth_time SET DEFAULT now();

-- RFC 9449 §5: a public client's refresh tokens are bound to the key of the DPoP proof that
-- came with the code exchange (its JWK SHA-256 thumbprint, RFC 7638).
ALTER TABLE grants ADD COLUMN dpop_jkt text;

-- RFC 9449 §11.1: a DPoP proof is accepted once. Each accepted proof is remembered (as a
-- hash of its key and jti) until its iat window closes; housekeeping deletes the rest.
CREATE TABLE dpop_proofs (
  proof_hash text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
ALTER TABLE dpop_proofs ENABLE ROW LEVEL SECURITY;
ALTER TABLE dpop_proofs FORCE ROW LEVEL SECURITY;
