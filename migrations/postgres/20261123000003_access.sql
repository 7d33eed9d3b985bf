-- Who may do what, and the record of what they did.
-- Mirrors the SQLite migration of the same name.

-- The reseller that owns a domain (NetSapiens `reseller`); '' when none does. A Reseller-scope
-- account manages every domain of its own domain's reseller.
ALTER TABLE domains ADD COLUMN reseller TEXT NOT NULL DEFAULT '';
CREATE INDEX domains_reseller_idx ON domains (reseller, name);

-- Users of one site, for Site Managers.
CREATE INDEX users_domain_site_idx ON users (domain_id, site_id);

-- Every change: who, in which domain, what (the changed fields, before and after, secrets
-- masked), when and from which address. Written in the transaction of the change itself. No
-- foreign keys: the log outlives the accounts and domains it names, so names are copied in.
CREATE TABLE audit_log (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           BIGINT  NOT NULL,
    actor_id     BIGINT,                 -- the account, NULL for the system itself
    actor        TEXT    NOT NULL,       -- its login at the time
    address      TEXT    NOT NULL,       -- the client's IP address, '' when unknown
    domain_id    BIGINT,
    domain       TEXT,                   -- the domain's name at the time
    action       TEXT    NOT NULL,       -- e.g. user.create, domain.update, account.password
    target       TEXT    NOT NULL,       -- what was acted on, e.g. the extension
    changes      TEXT    NOT NULL        -- JSON object: field -> [before, after]
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_domain_at_idx ON audit_log (domain_id, at);
