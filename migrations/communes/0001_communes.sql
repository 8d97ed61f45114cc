-- The communes a service may take commands for, followed from identity's log
-- (registered, suspended, reactivated). Shared by the services that take
-- commands (crates/miroir-communes); each lists it among its own migrations,
-- under its own version number. Same table as migrations/reports/0002_communes.sql.
CREATE TABLE communes (
    insee     TEXT PRIMARY KEY,
    suspended BIGINT NOT NULL
);
