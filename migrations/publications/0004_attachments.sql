-- Files attached to publications (PDFs, images), written in the same
-- transaction as the events. The current ones are also in the publication's
-- resource (publications_view); this table says where each one's bytes are,
-- for reading them. An attachment removed from a draft is deleted here (drafts
-- keep no history); one removed by an amendment of a published item stays,
-- with the revision that removed it, readable in the public history.
-- `resource` is the encoded miroir.publications.v1.Attachment.
CREATE TABLE publication_attachments (
    publication_id      TEXT NOT NULL,
    attachment_id       TEXT NOT NULL,
    commune             TEXT NOT NULL,
    -- Chosen by the service from the ids: communes/{insee}/publications/{id}/{attachment}.{ext}
    object_key          TEXT NOT NULL,
    -- 0 while attached.
    removed_in_revision BIGINT NOT NULL,
    resource            BYTEA NOT NULL,
    PRIMARY KEY (publication_id, attachment_id)
);
