-- The users list's search asks its trigram index for the users whose `search_text` holds a
-- piece of text by naming the piece as a phrase, `SELECT rowid FROM users_search($1)`, the same
-- statement on both databases. On SQLite `users_search` is an FTS5 table of trigrams, whose
-- phrase match ("piece", in double quotes with any inside doubled) is answered from the index
-- alone; its `LIKE`, which this replaces, read every candidate's row back from `users` to test it,
-- ten times the cost. Here it becomes a function of the same name that reads the phrase back into
-- the `LIKE` the pg_trgm index answers. It is plain SQL, not strict, and stable, so the planner
-- inlines it into the query and the index is used as before. Roster's phrases never hold `LIKE`'s
-- wildcards or its escape (see `indexed_phrase`).
DROP VIEW users_search;
CREATE FUNCTION users_search(phrase text) RETURNS TABLE (rowid bigint)
LANGUAGE sql STABLE
AS $$
    SELECT id FROM users
    WHERE search_text LIKE '%' || replace(substr(phrase, 2, length(phrase) - 2), '""', '"') || '%'
$$;
