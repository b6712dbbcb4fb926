-- What owners see and control in the console (issue 15): an agent's or website's sign-in
-- history is read from the security log by the id it names.
CREATE INDEX IF NOT EXISTS security_events_target_idx
  ON security_events (target_id, event, occurred_at DESC);
