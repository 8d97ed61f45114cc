-- Categories per commune, routing, photos, anonymous reports, supports,
-- merges and internal notes (all written inline with their events).

ALTER TABLE reports_view ADD COLUMN department TEXT NOT NULL DEFAULT '';
ALTER TABLE reports_view ADD COLUMN assigned_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE reports_view ADD COLUMN supports BIGINT NOT NULL DEFAULT 0;
ALTER TABLE reports_view ADD COLUMN merged_into TEXT NOT NULL DEFAULT '';
-- 1 once public: at once for a signed-in reporter, after the e-mail link for an anonymous one.
ALTER TABLE reports_view ADD COLUMN verified BIGINT NOT NULL DEFAULT 1;
ALTER TABLE reports_view ADD COLUMN verification_token_sha256 TEXT NOT NULL DEFAULT '';
-- Personal data: shown to the commune's staff only, never in public answers.
ALTER TABLE reports_view ADD COLUMN reporter_email TEXT NOT NULL DEFAULT '';
ALTER TABLE reports_view ADD COLUMN client TEXT NOT NULL DEFAULT '';
-- Title, description and address, lower case with accents folded (see domain/search.rs).
ALTER TABLE reports_view ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE reports_view SET search_text = ' ' || lower(title || ' ' || description || ' ' || address) || ' ';

CREATE INDEX reports_view_commune_category ON reports_view (commune, category, latitude);
CREATE INDEX reports_view_commune_supported ON reports_view (commune, supports DESC, submitted_at_us DESC, report_id DESC);
CREATE INDEX reports_view_verification ON reports_view (verification_token_sha256);

ALTER TABLE report_updates ADD COLUMN kind TEXT NOT NULL DEFAULT '';
UPDATE report_updates SET kind = CASE WHEN by_whom = 'reporter' THEN 'reopened' ELSE status END;

CREATE TABLE report_attributes (
    report_id TEXT NOT NULL,
    code      TEXT NOT NULL,
    position  BIGINT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (report_id, code, position)
);

CREATE TABLE report_photos (
    report_id    TEXT NOT NULL,
    photo_id     TEXT NOT NULL,
    position     BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    object_key   TEXT NOT NULL,
    PRIMARY KEY (report_id, photo_id)
);

CREATE TABLE report_supports (
    report_id TEXT NOT NULL,
    account   TEXT NOT NULL,
    PRIMARY KEY (report_id, account)
);
CREATE INDEX report_supports_account ON report_supports (account);

-- Who hears about a report (its reporter, its supporters, those of merged duplicates).
CREATE TABLE report_followers (
    report_id TEXT NOT NULL,
    account   TEXT NOT NULL,
    PRIMARY KEY (report_id, account)
);

CREATE TABLE report_notes (
    position  BIGINT PRIMARY KEY,
    note_id   TEXT NOT NULL,
    report_id TEXT NOT NULL,
    author    TEXT NOT NULL,
    text      TEXT NOT NULL,
    at_us     BIGINT NOT NULL
);
CREATE INDEX report_notes_report ON report_notes (report_id, position);

-- A commune's categories once its administrator changed them (until then the
-- standard set applies). `definition` is the encoded miroir.reports.v1.Category.
CREATE TABLE report_categories (
    commune    TEXT NOT NULL,
    code       TEXT NOT NULL,
    position   BIGINT NOT NULL,
    active     BIGINT NOT NULL,
    definition BYTEA NOT NULL,
    PRIMARY KEY (commune, code)
);
