-- Each agent, client and API keeps its lockout subject key (auth_subject_key of its
-- identifier), written by the trigger auth_store_subject_key (functions/02-principals.sql,
-- triggers.sql), so that the check of a remembered proof on every refresh, introspection and
-- sign-in reads it instead of computing a SHA-256 in SQL (bench/ANALYSIS.md, "Eighth round").
-- The rows stored before this migration get their key in triggers.sql: on an upgraded
-- database this migration runs before the function that derives it is defined.
ALTER TABLE agents ADD COLUMN subject_key text;
ALTER TABLE clients ADD COLUMN subject_key text;
ALTER TABLE resource_servers ADD COLUMN subject_key text;
-- auth_principal_of answers the key too: a new result type needs a new function.
DROP FUNCTION IF EXISTS auth_principal_of(text, text);
