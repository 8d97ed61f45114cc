-- What the notifications service delivers, written by its intake (the
-- consumer of identity's, reports', publications' and dialogue's logs) and by
-- its senders. Not history: working state, rebuilt from the logs if lost.
-- One SQL text for PostgreSQL and SQLite: BIGINT, TEXT and BYTEA only, 0/1 for
-- flags, times in Unix microseconds, coordinates in microdegrees.

-- What the intake knows of each thing people can follow or subscribe to,
-- from the events about it: enough to find who hears about it and to name it
-- in a message (its title is public once the thing is public).
CREATE TABLE subjects (
    -- "communes/{insee}/{reports|questions|proposals|publications}/{id}"
    subject       TEXT PRIMARY KEY,
    commune       TEXT NOT NULL,
    -- 'report', 'question', 'proposal' or a publication's kind ('project', 'decision', 'news'…)
    kind          TEXT NOT NULL,
    title         TEXT NOT NULL,
    -- 'official' or 'citizen'
    space         TEXT NOT NULL,
    -- a report's category ('' otherwise)
    category      TEXT NOT NULL,
    -- the department a report is assigned to ('' otherwise)
    department    TEXT NOT NULL,
    lat_e6        BIGINT,
    lon_e6        BIGINT,
    -- the account that wrote it ('' for anonymous reports and city IT)
    author        TEXT NOT NULL,
    status        TEXT NOT NULL,
    -- 1 once the public may see it (a verified report, a published item)
    public        BIGINT NOT NULL,
    updated_at_us BIGINT NOT NULL
);
CREATE INDEX subjects_commune ON subjects (commune, kind);

-- The commune's staff, from identity's role events: agents hear about their department's new reports.
CREATE TABLE staff (
    account_id TEXT NOT NULL,
    commune    TEXT NOT NULL,
    role       TEXT NOT NULL,
    department TEXT NOT NULL,
    PRIMARY KEY (account_id, commune, role)
);
CREATE INDEX staff_commune ON staff (commune, role, department);

-- Integration clients (city IT), from identity's events: webhooks go to live clients only.
CREATE TABLE clients (
    client_id TEXT PRIMARY KEY,
    commune   TEXT NOT NULL,
    revoked   BIGINT NOT NULL
);

-- The in-app feed: one row per (account, source event), written in the intake's transaction.
CREATE TABLE feed_items (
    account_id     TEXT NOT NULL,
    -- "{service}/{log position}" of the event that made it
    source_event   TEXT NOT NULL,
    commune        TEXT NOT NULL,
    subject        TEXT NOT NULL,
    -- what happened, as the templates name it ('report_resolved', 'question_answered'…)
    event_type     TEXT NOT NULL,
    -- JSON: what the templates need (title, status, reason…); never another person's name or address
    params         TEXT NOT NULL,
    occurred_at_us BIGINT NOT NULL,
    read_at_us     BIGINT,
    PRIMARY KEY (account_id, source_event)
);
CREATE INDEX feed_unread ON feed_items (account_id, read_at_us);
CREATE INDEX feed_recent ON feed_items (account_id, occurred_at_us);

-- One row per message to send: THE dedupe record. The intake inserts it in
-- the transaction that moves its checkpoint (ON CONFLICT DO NOTHING on the
-- unique key), so a redelivered event never makes a second row; the senders
-- claim due rows with a lease, send, and mark them sent.
CREATE TABLE deliveries (
    -- hex(sha256(source_event|recipient|channel))[..32]: also the e-mail's Message-ID and the webhook-id,
    -- stable across retries, restarts and replays
    delivery_id        TEXT PRIMARY KEY,
    source_event       TEXT NOT NULL,
    -- "account:{id}" (e-mail) or "endpoint:{id}" (webhook)
    recipient          TEXT NOT NULL,
    -- 'email' or 'webhook'
    channel            TEXT NOT NULL,
    commune            TEXT NOT NULL,
    subject            TEXT NOT NULL,
    event_type         TEXT NOT NULL,
    params             TEXT NOT NULL,
    occurred_at_us     BIGINT NOT NULL,
    -- 'pending', 'sending' (claimed, lease running), 'sent', 'retry', 'failed' or 'cancelled'
    state              TEXT NOT NULL,
    attempts           BIGINT NOT NULL,
    next_attempt_at_us BIGINT NOT NULL,
    lease_until_us     BIGINT NOT NULL,
    claimed_by         TEXT NOT NULL,
    -- the last failure in words, without personal data ('SMTP 451', 'HTTP 500')
    last_error         TEXT NOT NULL,
    sent_at_us         BIGINT,
    created_at_us      BIGINT NOT NULL,
    UNIQUE (source_event, recipient, channel)
);
CREATE INDEX deliveries_due ON deliveries (channel, state, next_attempt_at_us);
CREATE INDEX deliveries_recipient ON deliveries (recipient, channel, created_at_us);

-- Each attempt of a delivery, for the account (its e-mails) and the commune's administrators (webhooks).
CREATE TABLE delivery_attempts (
    delivery_id TEXT NOT NULL,
    attempt     BIGINT NOT NULL,
    at_us       BIGINT NOT NULL,
    -- 'sent', 'retry' or 'failed'
    outcome     TEXT NOT NULL,
    error       TEXT NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);

-- Keys the service makes for itself at first start ('unsubscribe': the HMAC key of one-click unsubscribe links).
CREATE TABLE notification_keys (
    name      TEXT PRIMARY KEY,
    key_bytes BYTEA NOT NULL
);
