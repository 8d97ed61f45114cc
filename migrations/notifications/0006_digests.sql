-- Daily and weekly digests. The intake writes one entry per (account, source
-- event) for the accounts that want their e-mail as a digest, in the
-- transaction that moves its checkpoint (ON CONFLICT DO NOTHING: a redelivered
-- or replayed event adds nothing). Once a period is over, the digest scheduler
-- gathers an account's entries of that period into ONE `deliveries` row keyed
-- "digest/{cadence}/{period}" and marks them digested, in one transaction.
-- Working state, not history; one SQL text for PostgreSQL and SQLite.

CREATE TABLE digest_entries (
    account_id     TEXT NOT NULL,
    -- "{service}/{log position}" of the event, as in feed_items and deliveries
    source_event   TEXT NOT NULL,
    -- 'daily' or 'weekly': the account's cadence when the event was heard of
    cadence        TEXT NOT NULL,
    -- the UTC day "YYYY-MM-DD" (daily) or the ISO week "YYYY-Www" (weekly) of
    -- the event; both sort as text in time order, which the scheduler relies on
    period         TEXT NOT NULL,
    -- what happened and what it is about, as in feed_items
    event_type     TEXT NOT NULL,
    subject        TEXT NOT NULL,
    -- JSON: the announcement's public parameters (a digest shows only the title)
    params         TEXT NOT NULL,
    occurred_at_us BIGINT NOT NULL,
    -- 1 once gathered into a digest (or dropped: e-mail turned off meanwhile)
    digested       BIGINT NOT NULL,
    PRIMARY KEY (account_id, source_event)
);
-- The scheduler's question: which accounts have undigested entries of finished periods.
CREATE INDEX digest_entries_due ON digest_entries (digested, cadence, period, account_id);
