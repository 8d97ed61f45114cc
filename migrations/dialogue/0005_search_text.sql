-- Text search: the title and body of questions and proposals, lower case with
-- accents folded (miroir_platform::search::normalise), written by the
-- projection. Rows that existed before this migration keep '' here until the
-- service fills them (miroir_dialogue::migrate_database: SQL alone cannot
-- fold accents the same way on both backends).
ALTER TABLE questions_view ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE proposals_view ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
