-- The HTTP API: API keys and remembered answers to retried creates (Idempotency-Key).
-- Mirrors the Postgres migration of the same name.

-- An API key acts for the account that made it, within the key's own limits: a scope no higher
-- than the maker's, one domain (or every domain the scope reaches when domain_id is NULL),
-- optionally read-only and optionally only from some source addresses. The token is shown once;
-- only a SHA-256 of its secret is kept (the secret is 256 random bits, so a fast hash is enough).
CREATE TABLE api_keys (
    id                 INTEGER PRIMARY KEY,
    key_id             TEXT    NOT NULL CONSTRAINT api_keys_key_id_key UNIQUE,  -- public half
    secret_hash        TEXT    NOT NULL,
    description        TEXT    NOT NULL,
    account_id         BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    scope              TEXT    NOT NULL,
    domain_id          BIGINT  REFERENCES domains (id) ON DELETE CASCADE,  -- NULL = all ('*')
    reseller           TEXT    NOT NULL DEFAULT '',                        -- for Reseller keys
    read_only          INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),
    allowed_addresses  TEXT    NOT NULL DEFAULT '',                        -- ','-separated IPs/CIDRs
    created_at         BIGINT  NOT NULL,
    last_used_at       BIGINT                                              -- to the hour
);
CREATE INDEX api_keys_account_idx ON api_keys (account_id);

-- The first answer to a create sent with an Idempotency-Key, kept a day, so that a retry gets the
-- same answer and the same key with another body is refused. `owner` is who sent it ('key:<id>'
-- or 'account:<id>'): keys of different callers never meet.
CREATE TABLE idempotency_keys (
    owner         TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    request_hash  TEXT    NOT NULL,       -- SHA-256 of method, path and body
    status        INTEGER NOT NULL,
    body          TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    PRIMARY KEY (owner, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
