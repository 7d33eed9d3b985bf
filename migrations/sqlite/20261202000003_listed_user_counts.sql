-- How many listed users (not `system-` service codes: see LISTED in app/src/ssr/db/users) each
-- domain has, kept in step by triggers, so that a list without a search or a site answers its
-- total without counting a large domain's users at every page. Mirrors the Postgres migration.
CREATE TABLE listed_user_counts (
    domain_id  BIGINT  PRIMARY KEY REFERENCES domains (id) ON DELETE CASCADE,
    listed     BIGINT  NOT NULL
);
INSERT INTO listed_user_counts (domain_id, listed)
SELECT d.id, (SELECT COUNT(*) FROM users u
              WHERE u.domain_id = d.id
                AND (u.service_code IS NULL OR u.service_code NOT LIKE 'system-%'))
FROM domains d;

CREATE TRIGGER listed_user_counts_domain AFTER INSERT ON domains
BEGIN
    INSERT INTO listed_user_counts (domain_id, listed) VALUES (NEW.id, 0);
END;
CREATE TRIGGER listed_user_counts_insert AFTER INSERT ON users
WHEN NEW.service_code IS NULL OR NEW.service_code NOT LIKE 'system-%'
BEGIN
    UPDATE listed_user_counts SET listed = listed + 1 WHERE domain_id = NEW.domain_id;
END;
CREATE TRIGGER listed_user_counts_delete AFTER DELETE ON users
WHEN OLD.service_code IS NULL OR OLD.service_code NOT LIKE 'system-%'
BEGIN
    UPDATE listed_user_counts SET listed = listed - 1 WHERE domain_id = OLD.domain_id;
END;
CREATE TRIGGER listed_user_counts_update AFTER UPDATE OF service_code, domain_id ON users
WHEN OLD.service_code IS NOT NEW.service_code OR OLD.domain_id <> NEW.domain_id
BEGIN
    UPDATE listed_user_counts SET listed = listed - 1
    WHERE domain_id = OLD.domain_id
      AND (OLD.service_code IS NULL OR OLD.service_code NOT LIKE 'system-%');
    UPDATE listed_user_counts SET listed = listed + 1
    WHERE domain_id = NEW.domain_id
      AND (NEW.service_code IS NULL OR NEW.service_code NOT LIKE 'system-%');
END;
