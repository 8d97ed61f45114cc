-- The moderators' queue: flagged content, with how many accounts flagged it
-- (who flagged stays in the log, for the moderators' eyes only).
CREATE TABLE flagged_content (
    subject            TEXT PRIMARY KEY,
    commune            TEXT NOT NULL,
    flags              BIGINT NOT NULL,
    last_flagged_at_us BIGINT NOT NULL,
    hidden             BIGINT NOT NULL DEFAULT 0,
    position           BIGINT NOT NULL
);
CREATE INDEX flagged_content_commune_oldest ON flagged_content (commune, position);
