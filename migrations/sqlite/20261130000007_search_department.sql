-- The users list's search reaches departments as well: what it searches (`search_text`, written
-- by Roster with every user) now ends with the department, added here to the users made before.
UPDATE users SET search_text = search_text || ' ' || lower(department)
WHERE department IS NOT NULL AND department <> '';
