-- Time frames (NetSapiens' "timeframes"): a domain's shared frames (user_id NULL) and its users'
-- own, which answer rules name (answer_rules.time_frame). Mirrors the Postgres migration of the
-- same name.
--
-- `kind` is the frame's type; `definition` its entries as JSON text, in NetSapiens' own shape
-- (app/src/model/time_frame). Ids are never reused (AUTOINCREMENT), since the API names a frame
-- by its id.
CREATE TABLE time_frames (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    domain_id   BIGINT  NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    user_id     BIGINT  REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL
                CHECK (kind IN ('always', 'days-of-week', 'specific-dates', 'holiday', 'custom')),
    definition  TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

-- A name is used once per owner: once among a domain's shared frames, once among each user's
-- own. A UNIQUE (domain_id, user_id, name) would let shared frames repeat a name (NULLs are
-- distinct), hence one partial index per owner, the same on both backends.
CREATE UNIQUE INDEX time_frames_domain_name_key ON time_frames (domain_id, name) WHERE user_id IS NULL;
CREATE UNIQUE INDEX time_frames_user_name_key ON time_frames (user_id, name) WHERE user_id IS NOT NULL;
