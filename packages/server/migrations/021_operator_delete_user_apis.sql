-- operator_delete_user (functions/10-operator.sql) now also counts the APIs a user owns, so
-- its result type changed: the old definition goes here and the functions file recreates it.
DROP FUNCTION IF EXISTS operator_delete_user(text, boolean);
