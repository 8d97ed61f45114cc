-- The identity service's read models (inline with its events) and its
-- security state that is not history (keys, sessions, one-time tokens,
-- login failures). One SQL text for PostgreSQL and SQLite.

CREATE TABLE communes_view (
    insee                    TEXT PRIMARY KEY,
    display_name             TEXT NOT NULL,
    search_name              TEXT NOT NULL,
    department               TEXT NOT NULL,
    collective_name          TEXT NOT NULL,
    response_commitment_days BIGINT NOT NULL,
    suspended                BIGINT NOT NULL,
    suspension_reason        TEXT NOT NULL,
    registered_at_us         BIGINT NOT NULL
);

-- Each account's data key. Deleting the row is the erasure: the account's
-- sealed personal data, in the log and every copy of it, cannot be read again.
CREATE TABLE account_keys (
    account_id TEXT PRIMARY KEY,
    data_key   BYTEA NOT NULL
);

-- email is NULL once the account is deleted; the unique index is what makes
-- two accounts never share an e-mail, also under concurrent sign-ups.
CREATE TABLE accounts_view (
    account_id     TEXT PRIMARY KEY,
    email          TEXT,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    email_verified BIGINT NOT NULL,
    deleted        BIGINT NOT NULL,
    created_at_us  BIGINT NOT NULL
);
CREATE UNIQUE INDEX accounts_view_email ON accounts_view (email);

CREATE TABLE grants_view (
    account_id TEXT NOT NULL,
    commune    TEXT NOT NULL,
    role       TEXT NOT NULL,
    department TEXT NOT NULL,
    PRIMARY KEY (account_id, commune, role)
);
CREATE INDEX grants_view_commune ON grants_view (commune);

-- Grants and revocations with who and why, for the commune's administrators.
CREATE TABLE role_changes (
    position   BIGINT PRIMARY KEY,
    commune    TEXT NOT NULL,
    account_id TEXT NOT NULL,
    role       TEXT NOT NULL,
    department TEXT NOT NULL,
    change     TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    reason     TEXT NOT NULL,
    at_us      BIGINT NOT NULL
);
CREATE INDEX role_changes_commune ON role_changes (commune, position);

CREATE TABLE clients_view (
    client_id     TEXT PRIMARY KEY,
    commune       TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    secret_hash   TEXT NOT NULL,
    revoked       BIGINT NOT NULL,
    created_at_us BIGINT NOT NULL
);
CREATE INDEX clients_view_commune ON clients_view (commune);

-- Token signing keys. The newest key whose active_from has passed signs; every
-- key not retired is published in the JWKS (so a new key is known to every
-- verifier before it signs anything).
CREATE TABLE signing_keys (
    kid            TEXT PRIMARY KEY,
    secret         BYTEA NOT NULL,
    created_at_us  BIGINT NOT NULL,
    active_from_us BIGINT NOT NULL,
    retired        BIGINT NOT NULL
);

-- Refresh tokens (SHA-256 of the token): one family per login; presenting a
-- used one revokes its family.
CREATE TABLE refresh_tokens (
    token_hash    TEXT PRIMARY KEY,
    family_id     TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    expires_at_us BIGINT NOT NULL,
    used          BIGINT NOT NULL,
    revoked       BIGINT NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_account ON refresh_tokens (account_id);

-- Single-use links (e-mail verification, password reset), SHA-256 of the token.
CREATE TABLE one_time_tokens (
    token_hash    TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    expires_at_us BIGINT NOT NULL,
    used          BIGINT NOT NULL
);

-- Failed logins, per key ("account:<sha256 of e-mail>", "address:<ip>"), for rate limiting.
CREATE TABLE login_failures (
    limit_key TEXT NOT NULL,
    at_us     BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (limit_key, at_us);
