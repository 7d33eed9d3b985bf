-- Answer rules per time frame: where each time frame is active in time, and which of a user's
-- rules is in effect now. Mirrors the SQLite migration of the same name.
--
-- Roster writes each frame's active intervals (Unix milliseconds, [begin_ms, end_ms), worked out
-- in the frame's time zone by app/src/ssr/time_frames.rs `spans`) for a bounded horizon; it
-- rewrites them when the frame changes, when its time zone does, and before the horizon runs out
-- (`spans_zone` and `spans_until` say what the stored spans were worked out for). The SIP side
-- then needs no calendar arithmetic: a frame holds now when one of its spans does.
ALTER TABLE time_frames ADD COLUMN spans_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE time_frames ADD COLUMN spans_until BIGINT NOT NULL DEFAULT 0;

CREATE TABLE time_frame_spans (
    frame_id  BIGINT NOT NULL REFERENCES time_frames (id) ON DELETE CASCADE,
    begin_ms  BIGINT NOT NULL,
    end_ms    BIGINT NOT NULL,
    PRIMARY KEY (frame_id, begin_ms)
);

-- Rules of a named frame come in their order (position), the default `*` after them all.
CREATE INDEX answer_rules_user_position_idx ON answer_rules (user_id, position);

-- The answer rule in effect for each user now: the first enabled one, in order, whose time frame
-- holds now, else the rule for `*`. A rule names its frame by name: the user's own frame of that
-- name, else its domain's shared one. One row per user (with a rule); a single-table view, so a
-- query that joins it by user_id reads only that user's rules.
CREATE VIEW active_answer_rules AS
SELECT ar.*
FROM answer_rules ar
WHERE ar.id = (
    SELECT r.id FROM answer_rules r
    WHERE r.user_id = ar.user_id AND r.enabled = 1
      AND (r.time_frame = '*' OR EXISTS (
          SELECT 1 FROM time_frame_spans s
          WHERE s.frame_id = (
                SELECT f.id FROM time_frames f
                WHERE f.name = r.time_frame
                  AND (f.user_id = r.user_id
                       OR (f.user_id IS NULL
                           AND f.domain_id = (SELECT u.domain_id FROM users u WHERE u.id = r.user_id)))
                ORDER BY f.user_id IS NULL
                LIMIT 1)
            AND s.begin_ms <= (extract(epoch FROM now()) * 1000)::bigint
            AND s.end_ms > (extract(epoch FROM now()) * 1000)::bigint))
    ORDER BY r.time_frame = '*', r.position, r.id
    LIMIT 1);

-- sip_targets as 20261202000001_call_queues made it, with each user's rule in effect now instead
-- of its rule for `*`: for the user's own calls, and for whether it takes a queue's calls
-- (do-not-disturb). A queue's agents that can be rung (as before: logged in, not disabled, their
-- users may use their phones, with a device, not on do-not-disturb) are looked up from the queue
-- asked for, rather than every domain's agents read first; none gives the queue's one row with no
-- device, as before.
-- Each row also says how a queue offers a call to its agents, so that Kamailio can ring a Linear
-- Hunt's or a Round-robin's agents one at a time, in order (scripts/sip/roster.cfg): `dispatch`
-- (the queue's dispatch type; blank for a user), `agent` (the extension of the agent, or of the
-- user, whose device the row is) and `agent_order` (the agent's dispatch order).
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
