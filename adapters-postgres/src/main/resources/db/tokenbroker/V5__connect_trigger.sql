-- The connect flow (issue 14) writes a refresh-log row for the authorization-code exchange that completes a user's
-- consent: trigger 'connect'. Connect links and states live in Redis or process memory, never here.
ALTER TABLE refresh_log DROP CONSTRAINT refresh_log_trigger_check;
ALTER TABLE refresh_log ADD CONSTRAINT refresh_log_trigger_check
    CHECK (trigger IN ('request', 'proactive', 'manual', 'invalidate', 'connect'));
