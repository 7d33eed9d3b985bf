-- A phone number may ring a call queue of its domain (NetSapiens' `to-callqueue`), beside a user
-- or nobody (available): `queue_id`, at most one of it and `user_id` set (Roster writes one or
-- the other). A queue deleted leaves its numbers available, as a user deleted does.
ALTER TABLE phone_numbers ADD COLUMN queue_id BIGINT REFERENCES call_queues (id) ON DELETE SET NULL;
CREATE INDEX phone_numbers_queue_idx ON phone_numbers (queue_id);

-- A DID rings the extension of its user or of its queue; sip_targets says which it is.
DROP VIEW sip_dids;
CREATE VIEW sip_dids AS
SELECT p.number AS number, d.name AS domain, u.extension AS extension
FROM phone_numbers p
JOIN users u ON u.id = p.user_id
JOIN domains d ON d.id = p.domain_id
WHERE p.enabled = 1
UNION ALL
SELECT p.number, d.name, q.callqueue
FROM phone_numbers p
JOIN call_queues q ON q.id = p.queue_id
JOIN domains d ON d.id = p.domain_id
WHERE p.enabled = 1 AND p.user_id IS NULL;
