-- The users list's search finds a piece of text anywhere in what it searches (`search_text`)
-- through an index, instead of reading every user of the domain: an FTS5 table of trigrams over
-- `search_text` (external content: it stores only the index), kept in step with `users` by the
-- triggers below. A search of three characters or more is answered from it (`LIKE` on a trigram
-- table uses the index); a shorter one still reads the domain's users.
-- The Postgres migration of the same name answers the same query with pg_trgm.
CREATE VIRTUAL TABLE users_search USING fts5(
    search_text, content = 'users', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO users_search (users_search) VALUES ('rebuild');

CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_search (users_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;

CREATE TRIGGER users_search_update AFTER UPDATE OF search_text ON users
WHEN old.search_text IS NOT new.search_text BEGIN
    INSERT INTO users_search (users_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO users_search (rowid, search_text) VALUES (new.id, new.search_text);
END;
