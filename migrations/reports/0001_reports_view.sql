-- The reports service's inline read model: one row per report, updated in the
-- transaction of the events that change it.
CREATE TABLE reports_view (
    report_id                TEXT PRIMARY KEY,
    commune                  TEXT NOT NULL,
    category                 TEXT NOT NULL,
    title                    TEXT NOT NULL,
    description              TEXT NOT NULL,
    latitude                 DOUBLE PRECISION NOT NULL,
    longitude                DOUBLE PRECISION NOT NULL,
    address                  TEXT NOT NULL,
    reporter                 TEXT NOT NULL,
    status                   TEXT NOT NULL,
    submitted_at_us          BIGINT NOT NULL,
    acknowledged_at_us       BIGINT NOT NULL,
    acknowledgement_message  TEXT NOT NULL,
    version                  BIGINT NOT NULL
);
-- Newest first within a commune, with the id as a tie-breaker for page tokens.
CREATE INDEX reports_view_commune_newest ON reports_view (commune, submitted_at_us DESC, report_id DESC);
