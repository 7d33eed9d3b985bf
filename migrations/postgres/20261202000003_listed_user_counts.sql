-- How many listed users (not `system-` service codes: see LISTED in app/src/ssr/db/users) each
-- domain has, kept in step by triggers, so that a list without a search or a site answers its
-- total without counting a large domain's users at every page. Mirrors the SQLite migration.
-- A user's create or delete already holds its domain's row, so the count's row adds no waiting.
CREATE TABLE listed_user_counts (
    domain_id  BIGINT  PRIMARY KEY REFERENCES domains (id) ON DELETE CASCADE,
    listed     BIGINT  NOT NULL
);
INSERT INTO listed_user_counts (domain_id, listed)
SELECT d.id, (SELECT COUNT(*) FROM users u
              WHERE u.domain_id = d.id
                AND (u.service_code IS NULL OR u.service_code NOT LIKE 'system-%'))
FROM domains d;

CREATE FUNCTION listed_user_counts_domain() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO listed_user_counts (domain_id, listed) VALUES (NEW.id, 0);
    RETURN NULL;
END $$;
CREATE TRIGGER listed_user_counts_domain AFTER INSERT ON domains
FOR EACH ROW EXECUTE FUNCTION listed_user_counts_domain();

CREATE FUNCTION listed_user_counts_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE')
       AND (OLD.service_code IS NULL OR OLD.service_code NOT LIKE 'system-%') THEN
        UPDATE listed_user_counts SET listed = listed - 1 WHERE domain_id = OLD.domain_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE')
       AND (NEW.service_code IS NULL OR NEW.service_code NOT LIKE 'system-%') THEN
        UPDATE listed_user_counts SET listed = listed + 1 WHERE domain_id = NEW.domain_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER listed_user_counts_insert_delete AFTER INSERT OR DELETE ON users
FOR EACH ROW EXECUTE FUNCTION listed_user_counts_users();
CREATE TRIGGER listed_user_counts_update AFTER UPDATE OF service_code, domain_id ON users
FOR EACH ROW
WHEN (OLD.service_code IS DISTINCT FROM NEW.service_code OR OLD.domain_id <> NEW.domain_id)
EXECUTE FUNCTION listed_user_counts_users();
