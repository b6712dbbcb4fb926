-- security_event_owners(text, text, text) is gone: security_log_append_batch
-- (functions/08-security-log.sql) finds an event's owners in its own statement again, which
-- costs less than a function call per event on every authenticated request.
DROP FUNCTION IF EXISTS security_event_owners(text, text, text);
