-- The core rebuilt: a domain's settings become one JSON document, as a user's are.
-- Mirrors the Postgres migration of the same name.
--
-- Each declared setting of a domain (app/src/model/domain.rs) is a key of `settings`, by its
-- NetSapiens name, absent when unset; a setting added later needs no migration. Its users'
-- settings that inherit it (time zone, language, caller ID, voicemail, dial plan and policy, ...)
-- are read from here at every read, so a change of the domain reaches them at once.
-- json_patch drops the keys whose value is null.
ALTER TABLE domains ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
UPDATE domains SET settings = json_patch('{}', json_object(
    'description', description,
    'limits-max-users', max_users,
    'limits-max-sites', max_sites,
    'time-zone', time_zone,
    'language-token', language,
    'area-code', area_code,
    'caller-id-name', caller_id_name,
    'caller-id-number', caller_id_number,
    'voicemail-enabled', CASE WHEN voicemail_enabled = 1 THEN 'yes' ELSE 'no' END,
    'dial-plan', dial_plan,
    'dial-policy', dial_policy
));
ALTER TABLE domains DROP COLUMN description;
ALTER TABLE domains DROP COLUMN max_users;
ALTER TABLE domains DROP COLUMN max_sites;
ALTER TABLE domains DROP COLUMN time_zone;
ALTER TABLE domains DROP COLUMN language;
ALTER TABLE domains DROP COLUMN area_code;
ALTER TABLE domains DROP COLUMN caller_id_name;
ALTER TABLE domains DROP COLUMN caller_id_number;
ALTER TABLE domains DROP COLUMN voicemail_enabled;
ALTER TABLE domains DROP COLUMN dial_plan;
ALTER TABLE domains DROP COLUMN dial_policy;

