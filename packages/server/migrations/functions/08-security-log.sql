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
  -- The length limits of the columns are these truncations (026_security_log_write_cost.sql).
  SELECT coalesce(e.occurred_at, now()), e.event, e.outcome, left(e.actor_type, 40),
         left(e.actor_id, 320), left(e.target_type, 40), left(e.target_id, 320), left(e.ip, 64),
         left(e.user_agent, 512), left(e.request_id, 128),
         -- The owners who may read the entry: of the agent, of the client, and the user it
         -- names. A subquery of this one statement, not a function called per event: it is
         -- on every authenticated request's path (bench/ANALYSIS.md, "Fourth round").
         coalesce((SELECT array_agg(DISTINCT o) FILTER (WHERE o IS NOT NULL) FROM (
           SELECT owner_id AS o FROM agents WHERE e.agent_id IS NOT NULL AND agent_id = e.agent_id
           UNION ALL
           SELECT owner_id FROM clients WHERE e.client_id IS NOT NULL AND client_id = e.client_id
           UNION ALL
           SELECT id FROM users
           WHERE e.user_id ~ '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$'
             AND id = e.user_id::uuid
         ) AS found), '{}'),
         coalesce(e.details, '{}')
  FROM jsonb_to_recordset(p_events) AS e(occurred_at timestamptz, event text, outcome text,
    actor_type text, actor_id text, target_type text, target_id text, ip text, user_agent text,
    request_id text, agent_id text, client_id text, user_id text, details jsonb);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

REVOKE ALL ON FUNCTION
  security_events_immutable(),
  security_log_append_batch(jsonb)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION security_log_append_batch(jsonb) TO auth_agent_app;
