-- Every committed change to Roster's data is announced on the channel `roster_changes`, so each
-- Roster server sharing this database drops the copies it keeps of what it read
-- (app/src/ssr/db/changes.rs). Notifications are sent at commit, and a transaction's many are one.
-- Sessions, the audit log and idempotency records are never kept in such copies.
CREATE FUNCTION roster_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('roster_changes', '');
    RETURN NULL;
END;
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'domains', 'accounts', 'password_tokens', 'sites', 'users', 'devices', 'voicemail_boxes',
        'phone_numbers', 'answer_rules', 'groups', 'group_members', 'api_keys'
    ] LOOP
        EXECUTE format(
            'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
            'FOR EACH STATEMENT EXECUTE FUNCTION roster_announce_change()',
            t || '_announce_change', t
        );
    END LOOP;
END;
$$;
