-- Text search: the title and body, lower case with accents folded
-- (miroir_platform::search::normalise), written by the projection. Rows that
-- existed before this migration keep '' here until the service fills them
-- (miroir_publications::migrate_database decodes each one's resource: SQL
-- alone cannot read the title and body out of it, nor fold accents the same
-- way on both backends).
ALTER TABLE publications_view ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
