-- The core rebuilt. Mirrors the SQLite migration of the same name.

-- 1. Nothing keeps copies of what it read any more, so commits are no longer announced.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'domains', 'accounts', 'password_tokens', 'sites', 'users', 'devices', 'voicemail_boxes',
        'phone_numbers', 'answer_rules', 'groups', 'group_members', 'api_keys'
    ] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_announce_change', t);
    END LOOP;
END;
$$;
DROP TRIGGER IF EXISTS sessions_announce_end ON sessions;
DROP FUNCTION IF EXISTS roster_announce_change();

-- 2. Flags are integers 0/1, as on SQLite, so every query reads them the same way.
ALTER TABLE accounts ALTER COLUMN disabled DROP DEFAULT;
ALTER TABLE accounts ALTER COLUMN disabled TYPE BIGINT USING (CASE WHEN disabled THEN 1 ELSE 0 END);
ALTER TABLE accounts ALTER COLUMN disabled SET DEFAULT 0;
ALTER TABLE accounts ADD CONSTRAINT accounts_disabled_flag CHECK (disabled IN (0, 1));
ALTER TABLE domains ALTER COLUMN extensions_alphanumeric DROP DEFAULT;
ALTER TABLE domains ALTER COLUMN extensions_alphanumeric TYPE BIGINT
    USING (CASE WHEN extensions_alphanumeric THEN 1 ELSE 0 END);
ALTER TABLE domains ALTER COLUMN extensions_alphanumeric SET DEFAULT 0;
ALTER TABLE domains ADD CONSTRAINT domains_extensions_alphanumeric_flag
    CHECK (extensions_alphanumeric IN (0, 1));
ALTER TABLE answer_rules ALTER COLUMN enabled TYPE BIGINT USING (CASE WHEN enabled THEN 1 ELSE 0 END);
ALTER TABLE answer_rules ADD CONSTRAINT answer_rules_enabled_flag CHECK (enabled IN (0, 1));
ALTER TABLE answer_rules ALTER COLUMN do_not_disturb TYPE BIGINT
    USING (CASE WHEN do_not_disturb THEN 1 ELSE 0 END);
ALTER TABLE answer_rules ADD CONSTRAINT answer_rules_do_not_disturb_flag
    CHECK (do_not_disturb IN (0, 1));

-- 3. A domain's settings become one JSON document, as a user's are: each declared setting of a
-- domain (app/src/model/domain.rs) is a key, by its NetSapiens name, absent when unset; a setting
-- added later needs no migration. Its users' settings that inherit it are read from here at every
-- read, so a change of the domain reaches them at once.
ALTER TABLE domains ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
UPDATE domains SET settings = jsonb_strip_nulls(jsonb_build_object(
    'description', description,
    'limits-max-users', max_users,
    'limits-max-sites', max_sites,
    'time-zone', time_zone,
    'language-token', language,
    'area-code', area_code,
    'caller-id-name', caller_id_name,
    'caller-id-number', caller_id_number,
    'voicemail-enabled', CASE WHEN voicemail_enabled THEN 'yes' ELSE 'no' END,
    'dial-plan', dial_plan,
    'dial-policy', dial_policy
))::text;
ALTER TABLE domains
    DROP COLUMN description,
    DROP COLUMN max_users,
    DROP COLUMN max_sites,
    DROP COLUMN time_zone,
    DROP COLUMN language,
    DROP COLUMN area_code,
    DROP COLUMN caller_id_name,
    DROP COLUMN caller_id_number,
    DROP COLUMN voicemail_enabled,
    DROP COLUMN dial_plan,
    DROP COLUMN dial_policy;
