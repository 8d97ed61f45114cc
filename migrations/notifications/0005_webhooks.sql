-- Webhooks for city IT: the endpoints (an inline projection of the
-- `webhook_endpoint` events), their signing secrets (security state, written
-- in the transaction of the command that made them, never in the log), and
-- what the webhook senders need on top of the delivery tables. One SQL text
-- for PostgreSQL and SQLite: BIGINT, TEXT and BYTEA only, 0/1 for flags,
-- times in Unix microseconds.

-- One row per endpoint not removed.
CREATE TABLE webhook_endpoints (
    endpoint_id              TEXT PRIMARY KEY,
    commune                  TEXT NOT NULL,
    -- the integration client it belongs to
    client_id                TEXT NOT NULL,
    url                      TEXT NOT NULL,
    -- webhook event types separated by spaces ('report.resolved question.answered'); '' = all
    event_types              TEXT NOT NULL,
    enabled                  BIGINT NOT NULL,
    -- why it is disabled ('' while enabled), and by whom ('' = the service itself)
    disabled_reason          TEXT NOT NULL,
    disabled_by              TEXT NOT NULL,
    disabled_at_us           BIGINT,
    secret_rotated_at_us     BIGINT,
    previous_secret_until_us BIGINT,
    created_at_us            BIGINT NOT NULL,
    updated_at_us            BIGINT NOT NULL,
    -- the log position of its Registered event: pages, oldest first
    position                 BIGINT NOT NULL
);
-- The endpoints an event of a commune goes to (the intake's question), and a client's own.
CREATE INDEX webhook_endpoints_commune ON webhook_endpoints (commune, client_id, position);

-- The HMAC keys (32 random bytes each). Not rebuilt from the log: a lost
-- secret is replaced by a rotation.
CREATE TABLE webhook_secrets (
    endpoint_id       TEXT PRIMARY KEY,
    secret            BYTEA NOT NULL,
    -- the key before the last rotation, which still signs until previous_until_us
    previous          BYTEA,
    previous_until_us BIGINT
);

-- A replay sends a delivery again: how many times, and how many attempts it
-- had before the last one (its retry schedule starts over from there, while
-- attempt numbers go on, keeping every attempt's row).
ALTER TABLE deliveries ADD COLUMN replays BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN attempts_before_replay BIGINT NOT NULL DEFAULT 0;
CREATE INDEX deliveries_replay ON deliveries (recipient, channel, occurred_at_us);

-- The endpoint's HTTP status of a webhook attempt (NULL: no answer, or an e-mail).
ALTER TABLE delivery_attempts ADD COLUMN http_status BIGINT;
