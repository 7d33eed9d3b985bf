-- The users list's search finds a piece of text anywhere in what it searches (`search_text`)
-- through an index, instead of reading every user of the domain: a pg_trgm GIN index, which
-- answers `LIKE '%piece%'` for pieces of three characters or more. `users_search` is the name
-- the query reads it by, as on SQLite (where it is an FTS5 table of trigrams): here a view.
-- pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_search_text_trgm_idx ON users USING gin (search_text gin_trgm_ops);
CREATE VIEW users_search AS SELECT id AS rowid, search_text FROM users;
