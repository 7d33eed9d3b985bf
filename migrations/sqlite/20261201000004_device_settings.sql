-- A device's settings (NetSapiens' device fields beside its name, password, MAC address and
-- model: emergency caller ID and address, recording, auto answer, push, registration expiry,
-- allowed user agent, NAT traversal, SRTP, provisioning server, transport, username, password,
-- line and overrides), as a document by wire name like a user's or a site's. A setting the
-- document leaves out is NetSapiens' default, so a device stored before this has '{}'.
-- Roster stores and returns them; the SIP server's views read none of them.
ALTER TABLE devices ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
