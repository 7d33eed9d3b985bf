-- How a queue offers a call to its agents, for the SIP side: sip_targets as
-- 20261203000001_answer_rules_by_time_frame made it, with each row's `dispatch` (the queue's
-- dispatch type; blank for a user), `agent` (the extension of the agent, or of the user, whose
-- device the row is) and `agent_order` (the agent's dispatch order), so that Kamailio can ring a
-- Linear Hunt's or a Round-robin's agents one at a time, in order (scripts/sip/roster.cfg).
-- Mirrors the SQLite migration of the same name.
DROP VIEW sip_targets;
CREATE VIEW sip_targets AS
SELECT su.domain AS domain, su.extension AS extension, 'user' AS kind, dv.device AS device,
       COALESCE(ar.do_not_disturb, 0) AS dnd,
       COALESCE(ar.forward_always, '') AS forward_always,
       COALESCE(ar.forward_busy, '') AS forward_busy,
       COALESCE(ar.forward_no_answer, '') AS forward_no_answer,
       COALESCE(ar.forward_unregistered, '') AS forward_unregistered,
       COALESCE((su.settings ->> 'ring-no-answer-timeout-seconds')::integer, 25) AS ring_seconds,
       '' AS dispatch, su.extension AS agent, 0 AS agent_order
FROM sip_users su
LEFT JOIN active_answer_rules ar ON ar.user_id = su.user_id
LEFT JOIN devices dv ON dv.user_id = su.user_id
UNION ALL
SELECT d.name, q.callqueue, 'queue', dv.device, 0, '', '',
       COALESCE(q.forward_no_answer, ''), COALESCE(q.forward_no_answer, ''),
       q.agent_timeout_seconds, q.dispatch_type, au.extension, COALESCE(a.dispatch_order, 0)
FROM call_queues q
JOIN domains d ON d.id = q.domain_id
LEFT JOIN call_queue_agents a
       ON a.queue_id = q.id
      AND a.status IN ('logged-in', 'onecall')
      AND a.availability_type <> 'disabled'
      AND EXISTS (SELECT 1 FROM sip_users su WHERE su.user_id = a.user_id)
      AND EXISTS (SELECT 1 FROM devices x WHERE x.user_id = a.user_id)
      AND NOT EXISTS (SELECT 1 FROM active_answer_rules ar
                      WHERE ar.user_id = a.user_id AND ar.do_not_disturb = 1)
LEFT JOIN users au ON au.id = a.user_id
LEFT JOIN devices dv ON dv.user_id = a.user_id;
GRANT SELECT ON sip_targets TO roster_sip;
