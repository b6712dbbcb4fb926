-- Abuse resistance (docs/security.md): a lock of a whole identity is told apart from a lock of
-- one source, so the server can raise an alert for it.
--
-- Functions whose result changed (their new definitions are in functions/*.sql).
DROP FUNCTION IF EXISTS auth_attempt_failed(text, text, text, integer[]);
