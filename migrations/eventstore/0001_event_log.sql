-- The event log of one service, its idempotency records, consumer checkpoints,
-- relay progress and projection generations. Applied to every service database.
-- One SQL text for PostgreSQL and SQLite: BIGINT, TEXT and BYTEA only.

-- Position: gap-free, 1-based, in commit order (see log_head).
CREATE TABLE events (
    position          BIGINT PRIMARY KEY,
    event_id          TEXT NOT NULL UNIQUE,
    commune           TEXT NOT NULL,
    aggregate_type    TEXT NOT NULL,
    aggregate_id      TEXT NOT NULL,
    aggregate_version BIGINT NOT NULL,
    event_type        TEXT NOT NULL,
    schema_version    BIGINT NOT NULL,
    occurred_at_us    BIGINT NOT NULL,
    recorded_at_us    BIGINT NOT NULL,
    actor             TEXT NOT NULL,
    correlation_id    TEXT NOT NULL,
    causation_id      TEXT NOT NULL,
    trace_context     TEXT NOT NULL,
    payload           BYTEA NOT NULL,
    UNIQUE (aggregate_type, aggregate_id, aggregate_version)
);

-- One row: the last position handed out. Every append updates it first, so
-- appends are serialized on its row lock (PostgreSQL) or the write lock
-- (SQLite) until they commit: positions are gap-free and in commit order.
CREATE TABLE log_head (
    id       BIGINT PRIMARY KEY,
    position BIGINT NOT NULL
);
INSERT INTO log_head (id, position) VALUES (1, 0);

-- Idempotency: the first commit made under a request id, returned on a retry.
CREATE TABLE commits (
    commune        TEXT NOT NULL,
    request_id     TEXT NOT NULL,
    aggregate_type TEXT NOT NULL,
    aggregate_id   TEXT NOT NULL,
    first_position BIGINT NOT NULL,
    last_position  BIGINT NOT NULL,
    version        BIGINT NOT NULL,
    PRIMARY KEY (commune, request_id)
);

-- How far each consumer of this database got, written with its effects.
CREATE TABLE checkpoints (
    consumer      TEXT PRIMARY KEY,
    position      BIGINT NOT NULL,
    updated_at_us BIGINT NOT NULL
);

-- How far the relay published this log to its stream.
CREATE TABLE relay_progress (
    stream        TEXT PRIMARY KEY,
    position      BIGINT NOT NULL,
    updated_at_us BIGINT NOT NULL
);

-- Which generation of a rebuildable projection's tables serves reads.
CREATE TABLE projections (
    name              TEXT PRIMARY KEY,
    active_generation BIGINT NOT NULL,
    updated_at_us     BIGINT NOT NULL
);
