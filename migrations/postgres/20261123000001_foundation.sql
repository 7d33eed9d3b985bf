-- Roster's foundation: domains (tenants), portal accounts, one-time password links, sessions.
-- Timestamps are Unix milliseconds. The SQLite migration of the same name mirrors this one
-- (where booleans are INTEGER 0/1; queries read them as CAST(... AS INTEGER) on both).

-- One row per customer domain, with the defaults its new users inherit (NetSapiens POST /domains).
CREATE TABLE domains (
    id                BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              TEXT    NOT NULL CONSTRAINT domains_name_key UNIQUE,
    description       TEXT    NOT NULL DEFAULT '',
    max_users         BIGINT,            -- NULL: no limit
    max_sites         BIGINT,            -- NULL: no limit
    time_zone         TEXT    NOT NULL,
    language          TEXT    NOT NULL,
    area_code         BIGINT,
    caller_id_name    TEXT,
    caller_id_number  TEXT,              -- E.164 with its +
    voicemail_enabled BOOLEAN NOT NULL,
    dial_plan         TEXT    NOT NULL,
    dial_policy       TEXT    NOT NULL,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL
);

-- Portal logins. A Super User belongs to no domain; every other scope belongs to one.
CREATE TABLE accounts (
    id             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login          TEXT    NOT NULL CONSTRAINT accounts_login_key UNIQUE,
    display_name   TEXT    NOT NULL,
    scope          TEXT    NOT NULL,
    domain_id      BIGINT  REFERENCES domains (id) ON DELETE CASCADE,
    password_hash  TEXT,               -- Argon2id PHC string; NULL until a password is set
    failed_logins  BIGINT  NOT NULL DEFAULT 0,
    locked_until   BIGINT,
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT  NOT NULL,
    password_changed_at BIGINT
);
CREATE INDEX accounts_domain_idx ON accounts (domain_id);

-- One-time set-password links. Only a SHA-256 of the token is kept.
CREATE TABLE password_tokens (
    token_hash  TEXT   PRIMARY KEY,
    account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX password_tokens_account_idx ON password_tokens (account_id);

-- Portal sessions (tower-sessions records), shared by every Roster process on this database.
CREATE TABLE sessions (
    id          TEXT   PRIMARY KEY,
    account_id  BIGINT,                -- copied out of the data so a user's sessions can be ended
    data        TEXT   NOT NULL,       -- JSON
    expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_account_idx ON sessions (account_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
