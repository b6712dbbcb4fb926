-- First sign-in notifications (023_first_sign_in_notifications.sql, docs/console.md): which
-- sign-in is an agent's first at a website (and API), and the owner's choice of how to be told.

-- The keys a sign-in is recorded under: each RFC 8707 resource it named, or '' for none.
CREATE OR REPLACE FUNCTION sign_in_resource_keys(p_resources text[])
RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE WHEN cardinality(p_resources) = 0 THEN ARRAY[''] ELSE p_resources END
$$;

-- Called by oauth_complete_request (04-oauth-requests.sql) in the same call that issues the
-- code: records that this agent signed in to this website, once per RFC 8707 resource named
-- ('' for none). INSERT ... ON CONFLICT DO NOTHING decides "first" under concurrency: of two
-- sign-ins racing for one new pair, the second waits for the first's row and inserts nothing.
-- NULL when nothing was new (oauth_complete_request calls it only when a key may be new);
-- otherwise what the server needs to record the event and tell the owner: the names, the new
-- resources, and where to send it (the owner's email only if verified and asked for; the
-- webhook and its sealed secret). No code, token or agent secret is in it.
CREATE OR REPLACE FUNCTION sign_in_first_seen(p_agent_ref uuid, p_client_ref uuid,
  p_resources text[])
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  fresh text[];
  answer jsonb;
BEGIN
  WITH inserted AS (
    INSERT INTO agent_first_sign_ins (agent_ref, client_ref, resource)
    SELECT p_agent_ref, p_client_ref, r.resource
    FROM unnest(sign_in_resource_keys(p_resources)) AS r(resource)
    ON CONFLICT DO NOTHING
    RETURNING resource)
  SELECT array_agg(resource ORDER BY resource) INTO fresh FROM inserted;
  IF fresh IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT jsonb_build_object(
           'agent_ref', a.id, 'agent_id', a.agent_id, 'agent_name', coalesce(a.label, a.user_name),
           'client_id', c.client_id, 'client_name', c.name,
           'resources', to_jsonb(array_remove(fresh, '')), 'at', now(),
           'mail_to', CASE WHEN s.notify_mail AND u.email_verified_at IS NOT NULL
                           AND u.disabled_at IS NULL THEN u.email END,
           'webhook_url', s.webhook_url, 'webhook_secret', s.webhook_secret)
  INTO answer
  FROM agents a
  JOIN users u ON u.id = a.owner_id
  JOIN clients c ON c.id = p_client_ref
  LEFT JOIN agent_sign_in_notifications s ON s.agent_ref = a.id
  WHERE a.id = p_agent_ref;
  RETURN answer;
END
$$;

-- Sets how the owner of an agent is told of its first sign-ins: p_mail (to the owner's
-- verified account email) and p_webhook_url (NULL: none). p_webhook_secret is the sealed
-- signing secret for a webhook URL that is new, or for p_rotate; an unchanged URL keeps its
-- secret. Nothing asked for removes the row. Answers the agent's public id and whether
-- p_webhook_secret was stored (the console then shows the secret once), or no row when the
-- caller may not change this agent. The URL's rules (https, public addresses) are checked by
-- the server before the call and again at each delivery (security/sign-in-notices.ts).
CREATE OR REPLACE FUNCTION app_set_sign_in_notifications(p_agent_ref uuid, p_mail boolean,
  p_webhook_url text, p_webhook_secret text, p_rotate boolean)
RETURNS TABLE (agent_id text, secret_stored boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  agent agents%ROWTYPE;
  stored_url text;
  replace_secret boolean;
BEGIN
  SELECT * INTO agent FROM agents a WHERE a.id = p_agent_ref
    AND (a.owner_id = app_current_user_id() OR app_is_admin());
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT s.webhook_url INTO stored_url FROM agent_sign_in_notifications s
  WHERE s.agent_ref = agent.id FOR UPDATE;
  replace_secret := p_webhook_url IS NOT NULL
    AND (p_rotate OR p_webhook_url IS DISTINCT FROM stored_url);
  IF replace_secret AND coalesce(p_webhook_secret, '') !~ '^[A-Za-z0-9_-]{40,200}$' THEN
    RAISE EXCEPTION 'a new webhook URL needs a sealed secret' USING ERRCODE = '22023';
  END IF;
  IF NOT coalesce(p_mail, false) AND p_webhook_url IS NULL THEN
    DELETE FROM agent_sign_in_notifications s WHERE s.agent_ref = agent.id;
  ELSE
    INSERT INTO agent_sign_in_notifications AS s
      (agent_ref, owner_id, notify_mail, webhook_url, webhook_secret)
    VALUES (agent.id, agent.owner_id, coalesce(p_mail, false), p_webhook_url,
            CASE WHEN replace_secret THEN p_webhook_secret END)
    ON CONFLICT (agent_ref) DO UPDATE
    SET owner_id = EXCLUDED.owner_id, notify_mail = EXCLUDED.notify_mail,
        webhook_url = EXCLUDED.webhook_url,
        webhook_secret = CASE WHEN replace_secret THEN p_webhook_secret
                              WHEN EXCLUDED.webhook_url IS NULL THEN NULL
                              ELSE s.webhook_secret END,
        updated_at = now();
  END IF;
  RETURN QUERY SELECT agent.agent_id, replace_secret;
END
$$;

REVOKE ALL ON FUNCTION
  sign_in_resource_keys(text[]), sign_in_first_seen(uuid, uuid, text[]),
  app_set_sign_in_notifications(uuid, boolean, text, text, boolean)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_set_sign_in_notifications(uuid, boolean, text, text, boolean)
TO auth_agent_app;
