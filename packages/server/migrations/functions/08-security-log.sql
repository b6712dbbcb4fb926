-- The append-only security log (004_security.sql): nothing in the application can change or
-- remove an entry, and owners are resolved here from the public ids an event names, so the
-- caller needs no access to other owners' rows.

CREATE OR REPLACE FUNCTION security_events_immutable() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp
AS $$
BEGIN
  RAISE EXCEPTION 'security_events is append-only';
END
$$;

-- The owners who may read an entry: of the agent, of the client, and the user it names.
CREATE OR REPLACE FUNCTION security_event_owners(p_agent_id text, p_client_id text,
  p_user_id text)
RETURNS uuid[]
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  owners uuid[] := '{}';
BEGIN
  IF p_agent_id IS NOT NULL THEN
    owners := owners || ARRAY(SELECT owner_id FROM agents WHERE agent_id = p_agent_id);
  END IF;
  IF p_client_id IS NOT NULL THEN
    owners := owners || ARRAY(SELECT owner_id FROM clients
                              WHERE client_id = p_client_id AND owner_id IS NOT NULL);
  END IF;
  -- Only a well-formed uuid is cast (a user id in an event may be anything a caller sent).
  IF p_user_id ~ '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$' THEN
    owners := owners || ARRAY(SELECT id FROM users WHERE id = p_user_id::uuid);
  END IF;
  RETURN ARRAY(SELECT DISTINCT o FROM unnest(owners) AS o ORDER BY o);
END
$$;

-- Appends events in one statement (security/security-log.ts batches them); occurred_at is
-- the time the server saw the event. A batch of one is how a single event is stored.
CREATE OR REPLACE FUNCTION security_log_append_batch(p_events jsonb)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  n integer;
BEGIN
  INSERT INTO security_events (occurred_at, event, outcome, actor_type, actor_id, target_type,
                               target_id, ip, user_agent, request_id, owner_ids, details)
  SELECT coalesce(e.occurred_at, now()), e.event, e.outcome, e.actor_type, left(e.actor_id, 320),
         e.target_type, left(e.target_id, 320), left(e.ip, 64), left(e.user_agent, 512),
         left(e.request_id, 128), security_event_owners(e.agent_id, e.client_id, e.user_id),
         coalesce(e.details, '{}')
  FROM jsonb_to_recordset(p_events) AS e(occurred_at timestamptz, event text, outcome text,
    actor_type text, actor_id text, target_type text, target_id text, ip text, user_agent text,
    request_id text, agent_id text, client_id text, user_id text, details jsonb);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

REVOKE ALL ON FUNCTION
  security_events_immutable(), security_event_owners(text, text, text),
  security_log_append_batch(jsonb)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION security_log_append_batch(jsonb) TO auth_agent_app;
