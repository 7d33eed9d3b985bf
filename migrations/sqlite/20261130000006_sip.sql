-- Roster's SIP side: Kamailio (scripts/sip/roster.cfg) reads what it needs from these views at
-- every request, so a change made in Roster takes effect at the next REGISTER or INVITE with no
-- export and no reload. Mirrors the Postgres migration of the same name, where a role that may
-- read only these views (and keep its registrations) is what Kamailio connects as.

-- The digest hash a device authenticates with (realm = its domain's name):
-- ha1 = md5(device:domain:password). SQLite has no md5(), so Roster computes it whenever a
-- device's name or password is written, and fills in those of devices made before this
-- migration when it starts.
ALTER TABLE devices ADD COLUMN ha1 TEXT NOT NULL DEFAULT '';

-- A group is rung by dialling its own extension, unique among its domain's extensions (users'
-- and groups'; Roster checks the users' side when either is written).
ALTER TABLE groups ADD COLUMN extension TEXT;
CREATE UNIQUE INDEX groups_domain_extension_key ON groups (domain_id, extension);

-- Which numbers each dial policy reaches, as longest-prefix rules over a number's digits (no +).
-- Written by Roster at start from the one declaration of the policies (app/src/model/dial_policy.rs).
CREATE TABLE dial_policy_rules (
    policy   TEXT    NOT NULL,
    prefix   TEXT    NOT NULL,
    allowed  INTEGER NOT NULL CHECK (allowed IN (0, 1)),
    PRIMARY KEY (policy, prefix)
);

-- Registrations, written by Kamailio's usrloc (db_mode 2: flushed every second or two) and read
-- by Roster to show which devices are registered, from where and until when. Kamailio's own
-- schema for its `location` table (usrloc 5.6), under Roster's name for it.
CREATE TABLE sip_location (
    id INTEGER PRIMARY KEY NOT NULL,
    ruid VARCHAR(64) DEFAULT '' NOT NULL,
    username VARCHAR(64) DEFAULT '' NOT NULL,
    domain VARCHAR(64) DEFAULT NULL,
    contact VARCHAR(512) DEFAULT '' NOT NULL,
    received VARCHAR(128) DEFAULT NULL,
    path VARCHAR(512) DEFAULT NULL,
    expires TIMESTAMP WITHOUT TIME ZONE DEFAULT '2030-05-28 21:32:15' NOT NULL,
    q REAL DEFAULT 1.0 NOT NULL,
    callid VARCHAR(255) DEFAULT 'Default-Call-ID' NOT NULL,
    cseq INTEGER DEFAULT 1 NOT NULL,
    last_modified TIMESTAMP WITHOUT TIME ZONE DEFAULT '2000-01-01 00:00:01' NOT NULL,
    flags INTEGER DEFAULT 0 NOT NULL,
    cflags INTEGER DEFAULT 0 NOT NULL,
    user_agent VARCHAR(255) DEFAULT '' NOT NULL,
    socket VARCHAR(64) DEFAULT NULL,
    methods INTEGER DEFAULT NULL,
    instance VARCHAR(255) DEFAULT NULL,
    reg_id INTEGER DEFAULT 0 NOT NULL,
    server_id INTEGER DEFAULT 0 NOT NULL,
    connection_id INTEGER DEFAULT 0 NOT NULL,
    keepalive INTEGER DEFAULT 0 NOT NULL,
    partition INTEGER DEFAULT 0 NOT NULL,
    CONSTRAINT sip_location_ruid_idx UNIQUE (ruid)
);
CREATE INDEX sip_location_account_contact_idx ON sip_location (username, domain, contact);
CREATE INDEX sip_location_expires_idx ON sip_location (expires);

-- Whether a user may use its phones: enabled, and, with login-based calling, logged in to the
-- portal (a live session). A refused user neither registers nor calls nor is called.
CREATE VIEW sip_users AS
SELECT u.id AS user_id, u.domain_id, u.extension, u.settings AS settings, d.name AS domain,
       d.settings AS domain_settings
FROM users u
JOIN domains d ON d.id = u.domain_id
WHERE u.status = 'enabled'
  AND (COALESCE(json_extract(u.settings, '$."login-based-calling"'), 'no') <> 'yes'
       OR EXISTS (SELECT 1 FROM accounts a JOIN sessions s ON s.account_id = a.id
                  WHERE a.user_id = u.id
                    AND s.expires_at > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)));

-- auth_db's subscriber table: a device's credentials, for users that may use their phones.
-- Read from the domain's name to the device by its unique (domain, name), then its user.
CREATE VIEW sip_subscribers AS
SELECT dv.device AS username, d.name AS domain, dv.ha1 AS ha1
FROM domains d
JOIN devices dv ON dv.domain_id = d.id
JOIN sip_users su ON su.user_id = dv.user_id;

-- Who a device calls as: its user's extension, dial policy and caller ID (the user's own, else
-- its domain's).
CREATE VIEW sip_callers AS
SELECT dv.device AS device, d.name AS domain, su.extension AS extension,
       COALESCE(json_extract(su.settings, '$."dial-policy"'),
                json_extract(su.domain_settings, '$."dial-policy"'), 'Internal') AS dial_policy,
       COALESCE(json_extract(su.settings, '$."caller-id-number"'),
                json_extract(su.domain_settings, '$."caller-id-number"'), '') AS caller_id_number,
       COALESCE(json_extract(su.settings, '$."caller-id-name"'),
                json_extract(su.domain_settings, '$."caller-id-name"'), '') AS caller_id_name
FROM domains d
JOIN devices dv ON dv.domain_id = d.id
JOIN sip_users su ON su.user_id = dv.user_id;

-- What dialling an extension of a domain rings: a user's devices (one row per device; one row
-- with no device for a user without any) with the user's default answer rule, or a ring group's
-- members' devices (members with do-not-disturb on are left out).
CREATE VIEW sip_targets AS
SELECT su.domain AS domain, su.extension AS extension, 'user' AS kind, dv.device AS device,
       COALESCE(ar.do_not_disturb, 0) AS dnd,
       COALESCE(ar.forward_always, '') AS forward_always,
       COALESCE(ar.forward_busy, '') AS forward_busy,
       COALESCE(ar.forward_no_answer, '') AS forward_no_answer,
       COALESCE(ar.forward_unregistered, '') AS forward_unregistered,
       CAST(COALESCE(json_extract(su.settings, '$."ring-no-answer-timeout-seconds"'), 25) AS INTEGER)
           AS ring_seconds
FROM sip_users su
LEFT JOIN answer_rules ar ON ar.user_id = su.user_id AND ar.time_frame = '*' AND ar.enabled = 1
LEFT JOIN devices dv ON dv.user_id = su.user_id
UNION ALL
SELECT d.name, g.extension, 'group', dv.device, 0, '', '', '', '', 30
FROM groups g
JOIN domains d ON d.id = g.domain_id
JOIN group_members gm ON gm.group_id = g.id
JOIN sip_users su ON su.user_id = gm.user_id
JOIN devices dv ON dv.user_id = su.user_id
WHERE g.extension IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM answer_rules ar
                  WHERE ar.user_id = su.user_id AND ar.time_frame = '*' AND ar.enabled = 1
                    AND ar.do_not_disturb = 1);

-- Which extension a phone number (DID, E.164 with its +) rings.
CREATE VIEW sip_dids AS
SELECT p.number AS number, d.name AS domain, u.extension AS extension
FROM phone_numbers p
JOIN users u ON u.id = p.user_id
JOIN domains d ON d.id = p.domain_id;

-- The live registrations (not yet expired) as Roster reads them: Kamailio's SQLite module keeps a timestamp as a Julian
-- day (UTC); here it is Unix milliseconds, as every time Roster keeps.
CREATE VIEW sip_registrations AS
SELECT username, domain, contact, received, user_agent,
       CAST(ROUND((expires - 2440587.5) * 86400000) AS INTEGER) AS expires_at
FROM sip_location
WHERE expires > julianday('now');
