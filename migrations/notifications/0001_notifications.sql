-- The notifications service's read model of its own log, written inline with
-- the events: who follows what, who subscribed to what, how each account wants
-- to hear. One SQL text for PostgreSQL and SQLite: BIGINT, TEXT and BYTEA only,
-- 0/1 for flags, times in Unix microseconds, coordinates in microdegrees.

-- One row per (account, subject) ever followed or unfollowed.
CREATE TABLE follows (
    account_id TEXT NOT NULL,
    -- "communes/{insee}/{reports|questions|proposals|publications}/{id}"
    subject    TEXT NOT NULL,
    commune    TEXT NOT NULL,
    -- 'explicit' (the account's Follow/Unfollow) or 'implicit' (as author,
    -- reporter, supporter…, written by the intake with ON CONFLICT DO NOTHING,
    -- so that an explicit unfollow is never overridden).
    origin     TEXT NOT NULL,
    -- 0 once unfollowed: the row stays, and keeps the choice.
    following  BIGINT NOT NULL,
    since_us   BIGINT NOT NULL,
    PRIMARY KEY (account_id, subject)
);
-- Who follows a subject (the intake's question).
CREATE INDEX follows_subject ON follows (subject, following);
-- What an account follows, most recent first.
CREATE INDEX follows_account ON follows (account_id, following, since_us);

-- Active subscriptions (a cancelled one is deleted).
CREATE TABLE subscriptions (
    subscription_id TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL,
    commune         TEXT NOT NULL,
    -- 'category', 'area' or 'space'; the columns of the other kinds are '' or NULL.
    kind            TEXT NOT NULL,
    category        TEXT NOT NULL,
    -- 'official' or 'citizen'
    space           TEXT NOT NULL,
    lat_e6          BIGINT,
    lon_e6          BIGINT,
    radius_m        BIGINT,
    created_at_us   BIGINT NOT NULL,
    -- The log position of its Subscribed event: pages, newest first.
    position        BIGINT NOT NULL
);
-- Who subscribed to what happens in a commune (the intake's question).
CREATE INDEX subscriptions_commune ON subscriptions (commune, kind);
CREATE INDEX subscriptions_account ON subscriptions (account_id, position);

-- Only accounts that set theirs; the others have the defaults (immediately, fr, 1).
CREATE TABLE preferences (
    account_id         TEXT PRIMARY KEY,
    -- 'immediately', 'daily', 'weekly' or 'never'
    email_cadence      TEXT NOT NULL,
    -- 'fr' or 'en'
    locale             TEXT NOT NULL,
    department_reports BIGINT NOT NULL,
    updated_at_us      BIGINT NOT NULL
);
