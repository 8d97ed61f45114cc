-- Moderation: hidden content keeps its row with the public reason (its text
-- is left out when read); every moderation act is public in the log.
ALTER TABLE questions_view ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE proposals_view ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE comments_view ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';

CREATE TABLE moderation_log (
    position      BIGINT PRIMARY KEY,
    commune       TEXT NOT NULL,
    subject       TEXT NOT NULL,
    action        TEXT NOT NULL,
    actor         TEXT NOT NULL,
    public_reason TEXT NOT NULL,
    at_us         BIGINT NOT NULL
);
CREATE INDEX moderation_log_commune_newest ON moderation_log (commune, position DESC);
