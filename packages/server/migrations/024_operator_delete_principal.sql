-- One operator_delete_principal(kind, id) (functions/10-operator.sql) replaces three copies
-- of "delete the object, clear its lockouts" for agents, clients and APIs.
DROP FUNCTION IF EXISTS operator_delete_agent(text);
DROP FUNCTION IF EXISTS operator_delete_client(text);
DROP FUNCTION IF EXISTS operator_delete_api(text);
