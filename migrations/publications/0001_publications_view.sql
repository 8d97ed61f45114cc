-- The publications read model, written in the same transaction as the events.
-- `resource` is the encoded miroir.publications.v1.Publication as its writers
-- see it; the other columns are what lists filter and order on.
CREATE TABLE publications_view (
    publication_id  TEXT PRIMARY KEY,
    commune         TEXT NOT NULL,
    space           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    -- draft | published | archived (scheduled = published with a time to come)
    status          TEXT NOT NULL,
    -- 0 while a draft.
    published_at_us BIGINT NOT NULL,
    version         BIGINT NOT NULL,
    resource        BYTEA NOT NULL
);

CREATE INDEX publications_view_newest ON publications_view (commune, published_at_us, publication_id);

-- Every amendment of a published item: public, never deleted.
-- `resource` is the encoded miroir.publications.v1.Revision.
CREATE TABLE publication_revisions (
    publication_id TEXT NOT NULL,
    revision       BIGINT NOT NULL,
    resource       BYTEA NOT NULL,
    PRIMARY KEY (publication_id, revision)
);
