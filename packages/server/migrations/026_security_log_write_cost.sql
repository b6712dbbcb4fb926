-- What each security-log write paid for nothing (bench/ANALYSIS.md, "Seventh round"):
--
-- The GIN index on owner_ids served no query: the console reads an owner's entries through
-- the row-level security policy `app_current_user_id() = ANY (owner_ids)` (004_security.sql),
-- which a GIN index cannot answer (it serves @>, && and <@), and no query names owner_ids
-- otherwise. Every event still had to be added to it.
DROP INDEX IF EXISTS security_events_owner_idx;

-- The length limits were written twice: as CHECK constraints here and as the truncation in
-- security_log_append_batch (functions/08-security-log.sql), the only way anything is written
-- to the table (the application role may only read it). PostgreSQL re-reads and re-plans every
-- CHECK constraint of a table for each INSERT statement, so the nine of them cost a batch
-- about a quarter of its time. The limits now live in the function alone; the event name's
-- form and the outcome, which the function does not enforce, stay constraints.
ALTER TABLE security_events
  DROP CONSTRAINT IF EXISTS security_events_actor_type_check,
  DROP CONSTRAINT IF EXISTS security_events_actor_id_check,
  DROP CONSTRAINT IF EXISTS security_events_target_type_check,
  DROP CONSTRAINT IF EXISTS security_events_target_id_check,
  DROP CONSTRAINT IF EXISTS security_events_ip_check,
  DROP CONSTRAINT IF EXISTS security_events_user_agent_check,
  DROP CONSTRAINT IF EXISTS security_events_request_id_check;
