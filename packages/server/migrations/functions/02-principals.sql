-- Authenticating agents, clients and console users. The stored PBKDF2 hash never leaves the
-- database: a caller gets the hash's parameters (scheme, iterations, salt), derives the
-- candidate in Node (crypto/pbkdf2.ts), and presents that derived value, the "proof", to
-- the very function that does the work, which compares it with the stored hash. So the
-- decision "is this the right secret" is made here and only here, and SQL running as the
-- application role cannot read a hash to attack offline.
--
-- A proof is `fresh` when it was derived for this request, after auth_begin reserved an
-- attempt; otherwise it is one the server derived earlier for the same secret
-- (src/auth/proof-cache.ts). A stale remembered proof (the secret was rotated) answers
-- 'principal_retry' and nothing is counted; the server then derives a fresh one.

-- The stored form is 'pbkdf2-sha256$<iterations>$<salt>$<hash>'.
CREATE OR REPLACE FUNCTION auth_hash_params(p_hash text)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT regexp_replace(p_hash, '\$[^$]*$', '') $$;

-- Compared so that the time taken says nothing about how many leading characters matched:
-- first the two sides' hashes (hashtextextended reads every byte whatever they hold), then
-- the strings themselves only when those agree (CASE fixes that order; an AND would not),
-- that is, when the proof is right (or, once in 2^64, a collision, which the string
-- comparison then refuses). A wrong proof is refused by the hash comparison alone. SHA-256
-- of both sides did the same at about ten times the cost, on every authenticated request
-- (bench/ANALYSIS.md, "Seventh round"). The stored part is the one after the last '$'
-- (split_part with -1: a regular expression cost twice as much).
CREATE OR REPLACE FUNCTION auth_proof_matches(p_hash text, p_proof text)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
  SELECT CASE WHEN hashtextextended(split_part(p_hash, '$', -1), 0)
                   = hashtextextended(p_proof, 0)
              THEN split_part(p_hash, '$', -1) = p_proof
              ELSE false END
$$;

-- Does the proof match the principal's secret? For a client, the secret its last rotation
-- replaced also matches until its overlap ends (previous_secret_expires_at; the owner may end
-- it early). A rotation with an overlap keeps the hash's parameters (salt, iterations: the
-- console derives the new hash under them), so one proof serves both comparisons.
CREATE OR REPLACE FUNCTION auth_secret_matches(p_kind text, p_ref uuid, p_hash text, p_proof text)
RETURNS boolean
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  -- plpgsql, and the current secret first: this is on every authenticated request, and the
  -- query for the previous secret runs only when the current one does not match (00-shared.sql).
  IF auth_proof_matches(p_hash, p_proof) THEN
    RETURN true;
  END IF;
  RETURN p_kind = 'client' AND EXISTS (
    SELECT 1 FROM clients c
    WHERE c.id = p_ref AND c.previous_secret_expires_at > now()
      AND auth_proof_matches(c.previous_secret_hash, p_proof));
END
$$;

-- Lockout rows are keyed by a digest of the identifier as presented, so an id that does not
-- exist is counted and locked exactly like one that does.
CREATE OR REPLACE FUNCTION auth_subject_key(p_kind text, p_public_id text)
RETURNS text
LANGUAGE sql STABLE
AS $$ SELECT auth_digest(p_kind || ':' || p_public_id) $$;

-- The principal an identifier names (an agent, a client, an API or a console user): its row,
-- its stored hash (NULL but for a client with a secret), how it authenticates (a client's
-- token_endpoint_auth_method; 'secret' for agents, APIs and users) and whether it may act
-- (enabled, and so is its owner; a client registered by itself has no owner to be disabled).
-- No row: unknown. The one place that says where each kind of principal lives.
--
-- Call it with a literal kind ('client', not a variable): inlined into the calling query,
-- PostgreSQL then keeps only that kind's branch. With a variable it would plan all four
-- branches on every call (bench/ANALYSIS.md, "Fifth round"); auth_principal below is the
-- form for a kind held in a variable.
CREATE OR REPLACE FUNCTION auth_principal_of(p_kind text, p_public_id text)
RETURNS TABLE (ref uuid, secret_hash text, auth_method text, usable boolean)
LANGUAGE sql STABLE
AS $$
  SELECT c.id, c.secret_hash, c.token_endpoint_auth_method, auth_enabled(c.disabled_at, u.disabled_at)
  FROM clients c LEFT JOIN users u ON u.id = c.owner_id
  WHERE p_kind = 'client' AND c.client_id = p_public_id
  UNION ALL
  SELECT a.id, a.secret_hash, 'secret', auth_enabled(a.disabled_at, u.disabled_at)
  FROM agents a JOIN users u ON u.id = a.owner_id
  WHERE p_kind = 'agent' AND a.agent_id = p_public_id
  UNION ALL
  -- An API (resource server, 13-resource-servers.sql) authenticates only with its secret.
  SELECT s.id, s.secret_hash, 'secret', auth_enabled(s.disabled_at, u.disabled_at)
  FROM resource_servers s JOIN users u ON u.id = s.owner_id
  WHERE p_kind = 'api' AND s.api_id = p_public_id
  UNION ALL
  SELECT u.id, u.password_hash, 'secret', u.disabled_at IS NULL
  FROM users u WHERE p_kind = 'user' AND lower(u.email) = lower(p_public_id)
$$;

-- auth_principal_of for a kind held in a variable: one branch per kind, each with its kind
-- written out, so each statement is planned once per connection for its own table.
CREATE OR REPLACE FUNCTION auth_principal(p_kind text, p_public_id text,
  OUT ref uuid, OUT secret_hash text, OUT auth_method text, OUT usable boolean)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  IF p_kind = 'client' THEN
    SELECT * INTO ref, secret_hash, auth_method, usable FROM auth_principal_of('client', p_public_id);
  ELSIF p_kind = 'agent' THEN
    SELECT * INTO ref, secret_hash, auth_method, usable FROM auth_principal_of('agent', p_public_id);
  ELSIF p_kind = 'api' THEN
    SELECT * INTO ref, secret_hash, auth_method, usable FROM auth_principal_of('api', p_public_id);
  ELSIF p_kind = 'user' THEN
    SELECT * INTO ref, secret_hash, auth_method, usable FROM auth_principal_of('user', p_public_id);
  END IF;
END
$$;

-- A private_key_jwt client authenticated (RFC 7523 §2.2): the server verified the assertion's
-- signature with the client's registered key, and its proof is
-- 'private_key_jwt:<SHA-256 of the jti>:<exp, seconds since the epoch>'. What the database
-- still decides (docs/security.md, "private_key_jwt"): the client exists, is enabled and
-- authenticates this way, and the jti was never used before. The jti is recorded here, in the
-- operation's own transaction, so a replay is refused on every instance.
-- outcome: 'ok', 'principal_invalid' or 'principal_replayed'.
CREATE OR REPLACE FUNCTION auth_assertion_accepted(p_client_ref uuid, p_auth_method text,
  p_proof text)
RETURNS text
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  parts text[] := string_to_array(p_proof, ':');
BEGIN
  IF p_client_ref IS NULL OR p_auth_method <> 'private_key_jwt' OR cardinality(parts) <> 3
     OR parts[2] !~ '^[A-Za-z0-9_-]{43}$' OR parts[3] !~ '^[0-9]{1,12}$' THEN
    RETURN 'principal_invalid';
  END IF;
  INSERT INTO client_assertion_jtis (client_ref, jti_hash, expires_at)
  VALUES (p_client_ref, parts[2], to_timestamp(parts[3]::bigint))
  ON CONFLICT (client_ref, jti_hash) DO NOTHING;
  RETURN CASE WHEN FOUND THEN 'ok' ELSE 'principal_replayed' END;
END
$$;

-- Before a secret is derived: reserves the attempt (03-lockout.sql) and answers the hash's
-- parameters. outcome: 'ok' | 'locked' | 'busy'. hash_params is NULL for an unknown id or a
-- public client; the server then derives against a decoy so the answer takes as long.
-- `known` lets the server budget decoy work separately (docs/security.md).
CREATE OR REPLACE FUNCTION auth_begin(p_kind text, p_public_id text, p_source text,
  p_policy integer[])
RETURNS TABLE (outcome text, hash_params text, known boolean, retry_after integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  reserved record;
  p record;
BEGIN
  IF p_kind NOT IN ('agent', 'client', 'user', 'api') THEN
    RAISE EXCEPTION 'unknown principal kind' USING ERRCODE = '22023';
  END IF;
  SELECT * INTO reserved
  FROM auth_attempt_reserve(p_kind, auth_subject_key(p_kind, p_public_id), p_source, p_policy);
  IF reserved.outcome <> 'ok' THEN
    RETURN QUERY SELECT reserved.outcome, NULL::text, NULL::boolean, reserved.retry_after;
    RETURN;
  END IF;
  SELECT * INTO p FROM auth_principal(p_kind, p_public_id);
  RETURN QUERY SELECT 'ok'::text, auth_hash_params(p.secret_hash), p.ref IS NOT NULL, 0;
END
$$;

-- The subject's lockout rows that a remembered proof must not skip past: failures counted or
-- a lock in force, from any source. A row with neither stays behind after an identity's first
-- success (03-lockout.sql) and does not count.
CREATE OR REPLACE FUNCTION auth_lockouts_pending(p_kind text, p_subject text)
RETURNS TABLE (source_key text)
LANGUAGE sql STABLE
AS $$
  SELECT l.source_key FROM lockouts l
  WHERE l.subject_type = p_kind AND l.subject_key = p_subject
    AND (l.failures > 0 OR auth_locked(l.locked_until))
$$;

-- The common case of auth_verify in one inlined query: a remembered proof (p_fresh false)
-- of the principal's current secret, the principal usable and authenticating by secret, and
-- nothing counted against it. Then auth_verify would answer 'ok' and change nothing, so this
-- answers the same row; in every other case it answers no row and the caller asks
-- auth_verify, which decides everything (and is what a fresh proof always goes to).
-- Call it with a literal kind (see auth_principal_of):
--   SELECT * INTO v FROM auth_remembered('client', p_client_id, p_proof, p_fresh);
--   IF NOT FOUND THEN SELECT * INTO v FROM auth_verify('client', ...); END IF;
-- A plpgsql call costs about a fifth of the whole introspection on PostgreSQL, and this
-- path is every refresh, introspection and warm sign-in (bench/ANALYSIS.md, "Fifth round").
CREATE OR REPLACE FUNCTION auth_remembered(p_kind text, p_public_id text, p_proof text,
  p_fresh boolean)
RETURNS TABLE (ref uuid, outcome text, retry_after integer)
LANGUAGE sql STABLE
AS $$
  SELECT p.ref, 'ok'::text, 0
  FROM auth_principal_of(p_kind, p_public_id) p
  -- Only a principal that authenticates by secret has a hash to match (a public or
  -- private_key_jwt client has none: the clients_auth_method_consistent constraint).
  WHERE NOT p_fresh AND p.usable AND auth_proof_matches(p.secret_hash, p_proof)
    AND NOT EXISTS (SELECT 1 FROM auth_lockouts_pending(p_kind, auth_subject_key(p_kind, p_public_id)))
$$;

-- The check inside every authenticated operation. outcome: 'ok', or one of
-- 'principal_retry' (a remembered proof no longer holds: nothing counted, derive afresh),
-- 'principal_invalid' (counted; retry_after > 0 when this failure locked the subject),
-- 'principal_under_attack' (as principal_invalid, and this failure locked the identity for
-- every source but its trusted ones: 03-lockout.sql),
-- 'principal_locked', 'principal_disabled', 'principal_replayed' (a private_key_jwt
-- assertion seen before). A public client (token_endpoint_auth_method 'none') passes with no
-- proof at all; a proof presented for one fails, and so does a missing proof for any other.
CREATE OR REPLACE FUNCTION auth_verify(p_kind text, p_public_id text, p_proof text,
  p_fresh boolean, p_source text, p_policy integer[],
  OUT ref uuid, OUT outcome text, OUT retry_after integer)
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  p record;
  f record;
  subject text := auth_subject_key(p_kind, p_public_id);
BEGIN
  retry_after := 0;
  SELECT * INTO p FROM auth_principal(p_kind, p_public_id);
  IF p_kind = 'client' AND starts_with(p_proof, 'private_key_jwt:') THEN
    outcome := auth_assertion_accepted(p.ref, p.auth_method, p_proof);
    IF outcome <> 'ok' THEN RETURN; END IF;
  ELSIF p_kind = 'client' AND p.auth_method = 'none' AND p_proof IS NULL THEN
    NULL;
  ELSIF p_proof IS NULL OR p.auth_method = 'private_key_jwt' THEN
    outcome := 'principal_invalid';
    RETURN;
  ELSIF NOT p_fresh THEN
    IF NOT auth_secret_matches(p_kind, p.ref, p.secret_hash, p_proof) THEN
      outcome := 'principal_retry';
      RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM auth_lockouts_pending(p_kind, subject)) THEN
      IF auth_source_blocked(p_kind, subject, p_source, p_policy) THEN
        outcome := 'principal_retry';
        RETURN;
      END IF;
      PERFORM auth_forget_failures(p_kind, subject, p_source);
    END IF;
  ELSIF auth_secret_matches(p_kind, p.ref, p.secret_hash, p_proof) THEN
    PERFORM auth_attempt_succeeded(p_kind, subject, p_source);
  ELSE
    SELECT * INTO f FROM auth_attempt_failed(p_kind, subject, p_source, p_policy);
    retry_after := f.locked_for;
    outcome := CASE WHEN f.identity_locked THEN 'principal_under_attack'
                    ELSE 'principal_invalid' END;
    RETURN;
  END IF;
  IF NOT p.usable THEN
    outcome := 'principal_disabled';
    RETURN;
  END IF;
  ref := p.ref;
  outcome := 'ok';
END
$$;

REVOKE ALL ON FUNCTION
  auth_hash_params(text), auth_proof_matches(text, text),
  auth_secret_matches(text, uuid, text, text),
  auth_subject_key(text, text), auth_principal_of(text, text), auth_principal(text, text),
  auth_lockouts_pending(text, text), auth_remembered(text, text, text, boolean),
  auth_assertion_accepted(uuid, text, text),
  auth_begin(text, text, text, integer[]),
  auth_verify(text, text, text, boolean, text, integer[])
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth_begin(text, text, text, integer[]) TO auth_agent_app;
