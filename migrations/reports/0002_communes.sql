-- The communes the reports service may take reports for, followed from
-- identity's log (registered, suspended, reactivated).
CREATE TABLE communes (
    insee     TEXT PRIMARY KEY,
    suspended BIGINT NOT NULL
);
