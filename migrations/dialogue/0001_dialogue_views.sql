-- The dialogue service's inline read models, updated in the transaction of
-- the events that change them. `position` is the log position of the row's
-- first event: unique and increasing, it orders lists and their page tokens.
CREATE TABLE questions_view (
    question_id          TEXT PRIMARY KEY,
    commune              TEXT NOT NULL,
    author               TEXT NOT NULL,
    title                TEXT NOT NULL,
    body                 TEXT NOT NULL,
    status               TEXT NOT NULL,
    asked_at_us          BIGINT NOT NULL,
    commitment_days      BIGINT NOT NULL,
    answer_due_at_us     BIGINT NOT NULL,
    answer               TEXT NOT NULL DEFAULT '',
    answerer             TEXT NOT NULL DEFAULT '',
    official             BIGINT NOT NULL DEFAULT 0,
    answered_at_us       BIGINT NOT NULL DEFAULT 0,
    answered_on_time     BIGINT NOT NULL DEFAULT 0,
    redirected_to_report TEXT NOT NULL DEFAULT '',
    redirect_message     TEXT NOT NULL DEFAULT '',
    position             BIGINT NOT NULL
);
CREATE INDEX questions_view_commune_newest ON questions_view (commune, position DESC);

CREATE TABLE proposals_view (
    proposal_id             TEXT PRIMARY KEY,
    commune                 TEXT NOT NULL,
    author                  TEXT NOT NULL,
    title                   TEXT NOT NULL,
    body                    TEXT NOT NULL,
    status                  TEXT NOT NULL,
    submitted_at_us         BIGINT NOT NULL,
    support_threshold       BIGINT NOT NULL,
    supports                BIGINT NOT NULL DEFAULT 0,
    threshold_reached_at_us BIGINT NOT NULL DEFAULT 0,
    answer_due_at_us        BIGINT NOT NULL DEFAULT 0,
    answer                  TEXT NOT NULL DEFAULT '',
    answerer                TEXT NOT NULL DEFAULT '',
    answered_at_us          BIGINT NOT NULL DEFAULT 0,
    answered_on_time        BIGINT NOT NULL DEFAULT 0,
    position                BIGINT NOT NULL
);
CREATE INDEX proposals_view_commune_newest ON proposals_view (commune, position DESC);

CREATE TABLE proposal_supports (
    proposal_id TEXT NOT NULL,
    account     TEXT NOT NULL,
    PRIMARY KEY (proposal_id, account)
);

CREATE TABLE dialogue_settings (
    commune           TEXT PRIMARY KEY,
    support_threshold BIGINT NOT NULL
);

CREATE TABLE comments_view (
    comment_id        TEXT PRIMARY KEY,
    commune           TEXT NOT NULL,
    target            TEXT NOT NULL,
    parent_comment_id TEXT NOT NULL,
    author            TEXT NOT NULL,
    body              TEXT NOT NULL,
    official          BIGINT NOT NULL,
    posted_at_us      BIGINT NOT NULL,
    position          BIGINT NOT NULL
);
CREATE INDEX comments_view_target_oldest ON comments_view (commune, target, position);
