-- Mail waiting to go out, going out, and gone: queued in the transaction of the change that causes
-- it (a create, an invitation, a password reset), sent after commit by the mail worker, which
-- retries with backoff. `params` holds what the template needs; its secret (the one-time link's
-- token) is removed once the message is sent, fails for good, or its link is no longer live.
CREATE TABLE mail_outbox (
    id               BIGSERIAL PRIMARY KEY,
    domain_id        BIGINT  REFERENCES domains (id) ON DELETE SET NULL,
    account_id       BIGINT  REFERENCES accounts (id) ON DELETE SET NULL,
    template         TEXT    NOT NULL,   -- welcome, invitation, password-reset, password-changed
    recipients       TEXT    NOT NULL,   -- addresses joined by ;
    params           TEXT    NOT NULL,   -- JSON
    batch            TEXT,               -- invitations sent together, for their progress
    status           TEXT    NOT NULL,   -- queued, sent, kept (no relay), failed
    attempts         BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT  NOT NULL,
    claimed_until    BIGINT,             -- a worker is sending it until then
    last_error       TEXT,
    created_at       BIGINT  NOT NULL,
    sent_at          BIGINT
);
CREATE INDEX mail_outbox_due_idx ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_account_idx ON mail_outbox (account_id, created_at);
CREATE INDEX mail_outbox_batch_idx ON mail_outbox (batch);
