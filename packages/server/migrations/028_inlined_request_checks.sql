-- oauth_authorize_client becomes a LANGUAGE sql function returning a table, which PostgreSQL
-- inlines into oauth_create_request (functions/04-oauth-requests.sql): a new result type
-- needs a new function.
DROP FUNCTION IF EXISTS oauth_authorize_client(text, text);
