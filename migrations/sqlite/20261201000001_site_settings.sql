-- A site's own settings (NetSapiens' site fields: time zone, caller ID, emergency caller ID and
-- address, area code, language, dial policy, e-mail), as a document by wire name like a user's.
-- A setting a site leaves out is its domain's; its users inherit the site's before the domain's.
ALTER TABLE sites ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';

-- Who a device calls as: its user's extension, dial policy and caller ID (the user's own, else
-- its site's, else its domain's).
DROP VIEW sip_callers;
CREATE VIEW sip_callers AS
SELECT dv.device AS device, d.name AS domain, su.extension AS extension,
       COALESCE(json_extract(su.settings, '$."dial-policy"'),
                json_extract(st.settings, '$."dial-policy"'),
                json_extract(su.domain_settings, '$."dial-policy"'), 'Internal') AS dial_policy,
       COALESCE(json_extract(su.settings, '$."caller-id-number"'),
                json_extract(st.settings, '$."caller-id-number"'),
                json_extract(su.domain_settings, '$."caller-id-number"'), '') AS caller_id_number,
       COALESCE(json_extract(su.settings, '$."caller-id-name"'),
                json_extract(st.settings, '$."caller-id-name"'),
                json_extract(su.domain_settings, '$."caller-id-name"'), '') AS caller_id_name
FROM domains d
JOIN devices dv ON dv.domain_id = d.id
JOIN sip_users su ON su.user_id = dv.user_id
JOIN users u ON u.id = su.user_id
LEFT JOIN sites st ON st.id = u.site_id;
