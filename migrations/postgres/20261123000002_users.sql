-- Telephony users and what is attached to them: sites, devices (SIP lines), voicemail boxes,
-- phone numbers (DIDs), answer rules, groups. Every row belongs to one domain.
-- Mirrors the SQLite migration of the same name (where booleans are INTEGER 0/1).

-- A domain may allow extensions with letters (NetSapiens allows them per domain); digits by default.
ALTER TABLE domains ADD COLUMN extensions_alphanumeric BOOLEAN NOT NULL DEFAULT FALSE;

-- Sites (locations) of a domain; created on first use, within the domain's max sites.
CREATE TABLE sites (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain_id   BIGINT  NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    CONSTRAINT sites_domain_name_key UNIQUE (domain_id, name)
);

-- One row per telephony user, keyed by domain and extension (NetSapiens `user`). The portal login
-- and scope live in `accounts` (accounts.user_id), where login uniqueness is enforced once.
CREATE TABLE users (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain_id       BIGINT  NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    extension       TEXT    NOT NULL,
    extension_sort  TEXT    NOT NULL,                -- numbers zero-padded: 99 before 100
    first_name      TEXT    NOT NULL,
    last_name       TEXT    NOT NULL,
    email           TEXT    NOT NULL,                -- ';'-separated list
    department      TEXT,
    site_id         BIGINT  REFERENCES sites (id) ON DELETE SET NULL,
    status          TEXT    NOT NULL,                -- enabled / disabled (Servetel)
    service_code    TEXT,                            -- 'system-...' codes are hidden from lists
    search_text     TEXT    NOT NULL,                -- lower-cased extension, names, login, e-mail
    settings        TEXT    NOT NULL,                -- JSON: every other NetSapiens setting
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    CONSTRAINT users_domain_extension_key UNIQUE (domain_id, extension)
);
CREATE INDEX users_domain_extension_sort_idx ON users (domain_id, extension_sort);
-- Lets the users list count a domain's (non-system) users from the index alone.
CREATE INDEX users_domain_service_code_idx ON users (domain_id, service_code);
CREATE INDEX users_domain_last_name_idx ON users (domain_id, last_name, first_name);
CREATE INDEX users_site_idx ON users (site_id);

ALTER TABLE accounts ADD COLUMN user_id BIGINT REFERENCES users (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX accounts_user_key ON accounts (user_id);

-- SIP devices (lines) of a user: sip:<device>@<domain>. The password is what the phone registers
-- with, so it is kept as is; it is shown only to managers of the domain.
CREATE TABLE devices (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain_id    BIGINT  NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    user_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device       TEXT    NOT NULL,
    sip_password TEXT    NOT NULL,
    mac          TEXT,
    created_at   BIGINT  NOT NULL,
    CONSTRAINT devices_domain_device_key UNIQUE (domain_id, device)
);
CREATE INDEX devices_user_idx ON devices (user_id);

-- Voicemail boxes. Deleting a user that owns one is refused unless the box goes too (XiVO's 412),
-- hence no cascade from users.
CREATE TABLE voicemail_boxes (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain_id   BIGINT  NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    user_id     BIGINT  REFERENCES users (id) ON DELETE RESTRICT,
    mailbox     TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    CONSTRAINT voicemail_boxes_domain_mailbox_key UNIQUE (domain_id, mailbox),
    CONSTRAINT voicemail_boxes_user_key UNIQUE (user_id)
);

-- Phone numbers (DIDs) of a domain. A number exists once in the whole system and is routed to
-- at most one user at a time; deleting the user frees it.
CREATE TABLE phone_numbers (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain_id    BIGINT  NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    number       TEXT    NOT NULL,                       -- E.164
    user_id      BIGINT  REFERENCES users (id) ON DELETE SET NULL,
    created_at   BIGINT  NOT NULL,
    CONSTRAINT phone_numbers_number_key UNIQUE (number)
);
CREATE INDEX phone_numbers_user_idx ON phone_numbers (user_id);

-- Answer rules per user and time frame ('*' = default): forwards, do-not-disturb, simultaneous ring.
CREATE TABLE answer_rules (
    id                        BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id                   BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    time_frame                TEXT    NOT NULL,
    enabled                   BOOLEAN NOT NULL,
    forward_always            TEXT,
    forward_busy              TEXT,
    forward_no_answer         TEXT,
    forward_unregistered      TEXT,
    do_not_disturb            BOOLEAN NOT NULL,
    simultaneous_ring         TEXT    NOT NULL DEFAULT '',  -- ','-separated destinations
    position                  BIGINT  NOT NULL,
    CONSTRAINT answer_rules_user_time_frame_key UNIQUE (user_id, time_frame)
);

-- Groups (ring groups, agent groups) of a domain, and their members.
CREATE TABLE groups (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    domain_id   BIGINT  NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,                        -- ring / agent
    created_at  BIGINT  NOT NULL,
    CONSTRAINT groups_domain_name_key UNIQUE (domain_id, name)
);
CREATE TABLE group_members (
    group_id    BIGINT  NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user_idx ON group_members (user_id);
