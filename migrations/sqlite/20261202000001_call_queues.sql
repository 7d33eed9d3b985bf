-- Call queues (NetSapiens' Call Center: `callqueues` and their `agents`) in place of groups.
-- Mirrors the Postgres migration of the same name; integers are BIGINT, documents JSON text.
--
-- A queue is rung by dialling its extension (NetSapiens `callqueue`), unique among its domain's
-- queues here and checked against the domain's users' extensions by Roster, holding the domain
-- (app/src/ssr/call_queues.rs), as groups were. What routing needs is a typed column; every other
-- field of NetSapiens' queue is a key of `settings`, by its wire name (app/src/model/call_queue.rs
-- declares them all once).
CREATE TABLE call_queues (
    id                      INTEGER PRIMARY KEY,
    domain_id               BIGINT  NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    callqueue               TEXT    NOT NULL,              -- its extension
    description             TEXT    NOT NULL DEFAULT '',
    dispatch_type           TEXT    NOT NULL,              -- callqueue-dispatch-type, as on the wire
    agent_timeout_seconds   BIGINT  NOT NULL,              -- callqueue-agent-dispatch-timeout-seconds
    max_wait_minutes        BIGINT  NOT NULL DEFAULT 0,    -- callqueue-max-wait-timeout-minutes; 0: none
    sim_ring_first_round    BIGINT  NOT NULL DEFAULT 0,    -- callqueue-sim-ring-1st-round
    sim_ring_increment      BIGINT  NOT NULL DEFAULT 1,    -- callqueue-sim-ring-increment
    forward_no_answer       TEXT,                          -- where a call nobody answers goes
    settings                TEXT    NOT NULL DEFAULT '{}',
    created_at              BIGINT  NOT NULL,
    updated_at              BIGINT  NOT NULL,
    CONSTRAINT call_queues_domain_callqueue_key UNIQUE (domain_id, callqueue)
);

-- The agents of a queue: users of its domain, each once per queue. `status` is what the agent
-- (or a manager) last set: logged in, logged out, paused, or logged in for one call.
CREATE TABLE call_queue_agents (
    id                      INTEGER PRIMARY KEY,
    queue_id                BIGINT  NOT NULL REFERENCES call_queues (id) ON DELETE CASCADE,
    user_id                 BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    availability_type       TEXT    NOT NULL DEFAULT 'automatic', -- callqueue-agent-availability-type
    status                  TEXT    NOT NULL DEFAULT 'logged-in'
        CHECK (status IN ('logged-in', 'logged-out', 'paused', 'onecall')),
    dispatch_order          BIGINT  NOT NULL DEFAULT 1,    -- callqueue-agent-dispatch-order-ordinal
    wrap_up_seconds         BIGINT  NOT NULL DEFAULT 0,    -- callqueue-agent-wrap-up-allowance-seconds
    max_active_calls        BIGINT  NOT NULL DEFAULT 1,    -- limits-max-active-calls-total
    settings                TEXT    NOT NULL DEFAULT '{}',
    created_at              BIGINT  NOT NULL,
    updated_at              BIGINT  NOT NULL,
    CONSTRAINT call_queue_agents_queue_user_key UNIQUE (queue_id, user_id)
);
CREATE INDEX call_queue_agents_user_idx ON call_queue_agents (user_id);

-- Every group becomes a queue with the same row id (Wazo's API names groups by it): a ring group
-- rings all its agents ("Ring All"), an agent group hands calls round ("Round-robin"); both ring
-- for 30 seconds, as groups did. A queue needs an extension: a group without one gets the lowest
-- number from 8000 up that no user, group or voicemail box of its domain holds (several such
-- groups of a domain take the free numbers in the order of their ids).
INSERT INTO call_queues (id, domain_id, callqueue, description, dispatch_type,
                         agent_timeout_seconds, settings, created_at, updated_at)
SELECT g.id, g.domain_id, g.extension, g.name,
       CASE g.kind WHEN 'agent' THEN 'Round-robin' ELSE 'Ring All' END,
       30, '{}', g.created_at, g.created_at
FROM groups g
WHERE g.extension IS NOT NULL;

INSERT INTO call_queues (id, domain_id, callqueue, description, dispatch_type,
                         agent_timeout_seconds, settings, created_at, updated_at)
WITH RECURSIVE
    needy AS (
        SELECT g.id, g.domain_id,
               ROW_NUMBER() OVER (PARTITION BY g.domain_id ORDER BY g.id) AS k
        FROM groups g WHERE g.extension IS NULL
    ),
    numbers (n) AS (
        SELECT 8000
        UNION ALL
        SELECT n + 1 FROM numbers
        WHERE n < 8000 + (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM groups)
                       + (SELECT COUNT(*) FROM voicemail_boxes)
    ),
    free AS (
        SELECT d.domain_id, x.n,
               ROW_NUMBER() OVER (PARTITION BY d.domain_id ORDER BY x.n) AS k
        FROM (SELECT DISTINCT domain_id FROM needy) d CROSS JOIN numbers x
        WHERE NOT EXISTS (SELECT 1 FROM users u
                          WHERE u.domain_id = d.domain_id AND u.extension = CAST(x.n AS TEXT))
          AND NOT EXISTS (SELECT 1 FROM groups o
                          WHERE o.domain_id = d.domain_id AND o.extension = CAST(x.n AS TEXT))
          AND NOT EXISTS (SELECT 1 FROM voicemail_boxes v
                          WHERE v.domain_id = d.domain_id AND v.mailbox = CAST(x.n AS TEXT))
    )
SELECT g.id, g.domain_id, CAST(f.n AS TEXT), g.name,
       CASE g.kind WHEN 'agent' THEN 'Round-robin' ELSE 'Ring All' END,
       30, '{}', g.created_at, g.created_at
FROM needy
JOIN groups g ON g.id = needy.id
JOIN free f ON f.domain_id = needy.domain_id AND f.k = needy.k;

-- Every member becomes an agent of its group's queue, logged in (so the queue rings whom the
-- group rang).
INSERT INTO call_queue_agents (queue_id, user_id, settings, created_at, updated_at)
SELECT m.group_id, m.user_id, '{}', q.created_at, q.created_at
FROM group_members m
JOIN call_queues q ON q.id = m.group_id;

-- What dialling an extension of a domain rings: a user's devices (one row per device; one row
-- with no device for a user without any) with the user's default answer rule, or a queue's
-- agents' devices, all at once for now (per dispatch type later): the agents logged in (for good
-- or for one call), not paused, not disabled, whose users may use their phones, with
-- do-not-disturb off. A queue has a row with no device when none of its agents can be rung, so
-- that its extension is known and a call goes to its no-answer forward (read as both its
-- no-answer and its unregistered forward); it rings for its agent timeout. The column names are
-- those scripts/sip/roster.cfg reads.
DROP VIEW sip_targets;
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
SELECT d.name, q.callqueue, 'queue', rung.device, 0, '', '',
       COALESCE(q.forward_no_answer, ''), COALESCE(q.forward_no_answer, ''),
       q.agent_timeout_seconds
FROM call_queues q
JOIN domains d ON d.id = q.domain_id
LEFT JOIN (
    SELECT a.queue_id, dv.device
    FROM call_queue_agents a
    JOIN sip_users su ON su.user_id = a.user_id
    JOIN devices dv ON dv.user_id = su.user_id
    WHERE a.status IN ('logged-in', 'onecall')
      AND a.availability_type <> 'disabled'
      AND NOT EXISTS (SELECT 1 FROM answer_rules ar
                      WHERE ar.user_id = su.user_id AND ar.time_frame = '*' AND ar.enabled = 1
                        AND ar.do_not_disturb = 1)
) rung ON rung.queue_id = q.id;

DROP TABLE group_members;
DROP TABLE groups;
