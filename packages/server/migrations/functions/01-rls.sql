-- The two predicates every row-level-security policy uses (001_core.sql and later).

CREATE OR REPLACE FUNCTION app_current_user_id() RETURNS uuid
LANGUAGE sql STABLE
AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

CREATE OR REPLACE FUNCTION app_is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT EXISTS (
    SELECT 1 FROM users
    WHERE id = app_current_user_id() AND role = 'admin' AND disabled_at IS NULL
  )
$$;

REVOKE ALL ON FUNCTION app_current_user_id(), app_is_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_current_user_id(), app_is_admin() TO auth_agent_app;
