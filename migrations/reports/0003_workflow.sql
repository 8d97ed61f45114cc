-- The workflow after acknowledgement: when a report was resolved, and the
-- public timeline of each report (the commune's steps and reopenings).
ALTER TABLE reports_view ADD COLUMN resolved_at_us BIGINT NOT NULL DEFAULT 0;

CREATE TABLE report_updates (
    position  BIGINT PRIMARY KEY,
    report_id TEXT NOT NULL,
    status    TEXT NOT NULL,
    message   TEXT NOT NULL,
    by_whom   TEXT NOT NULL,
    at_us     BIGINT NOT NULL
);
CREATE INDEX report_updates_report ON report_updates (report_id, position);
