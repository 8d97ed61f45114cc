-- Which commune project each follow-up note of the collective follows, from
-- the note's details: when the note is published, the project's followers
-- hear of it too (the citizen space answering the official one).
CREATE TABLE follow_ups (
    -- "communes/{insee}/publications/{id}" of the note
    note    TEXT PRIMARY KEY,
    -- … and of the project it follows
    project TEXT NOT NULL
);
