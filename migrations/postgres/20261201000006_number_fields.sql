-- The rest of NetSapiens' phone number (its dial rule) beside where it rings: whether it rings at
-- all (`enabled`), the rule's parameter, translation host and caller's name, and its description.
-- Roster acts on `enabled` (the SIP server skips a disabled number); the others are kept and
-- shown as sent (a number rings only inside its own domain, with the caller's own name).
-- Mirrors the SQLite migration of the same name; flags are integers 0/1 as everywhere.
ALTER TABLE phone_numbers ADD COLUMN enabled BIGINT NOT NULL DEFAULT 1
    CONSTRAINT phone_numbers_enabled_flag CHECK (enabled IN (0, 1));
ALTER TABLE phone_numbers ADD COLUMN dial_rule_parameter TEXT NOT NULL DEFAULT '';
ALTER TABLE phone_numbers ADD COLUMN destination_host TEXT NOT NULL DEFAULT '[*]';
ALTER TABLE phone_numbers ADD COLUMN source_name TEXT NOT NULL DEFAULT '[*]';
ALTER TABLE phone_numbers ADD COLUMN description TEXT NOT NULL DEFAULT '';

-- Which extension a phone number (DID, E.164 with its +) rings: only an enabled number rings.
-- Dropped and made again as SQLite must, and given back to Kamailio's role as 20261130000006_sip
-- gave it.
DROP VIEW sip_dids;
CREATE VIEW sip_dids AS
SELECT p.number AS number, d.name AS domain, u.extension AS extension
FROM phone_numbers p
JOIN users u ON u.id = p.user_id
JOIN domains d ON d.id = p.domain_id
WHERE p.enabled = 1;
GRANT SELECT ON sip_dids TO roster_sip;
