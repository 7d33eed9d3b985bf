-- Resellers (NetSapiens `/resellers`): the companies that own domains, managed by Super Users.
-- A domain names its reseller in `domains.reseller` ('' for none), which must be one of these,
-- spelled as it is here; the name is matched without regard to case, so "Acme" and "acme" are
-- one reseller. The description and the SMTP relay fields are a document by wire name, like a
-- domain's settings.
CREATE TABLE resellers (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    settings    TEXT    NOT NULL DEFAULT '{}',
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);
CREATE UNIQUE INDEX resellers_name_key ON resellers (lower(name));

-- The resellers the domains already named (before resellers were listed), each once, with the
-- spelling of its first domain; every domain then names it with that spelling.
INSERT INTO resellers (name, settings, created_at, updated_at)
SELECT MIN(reseller), '{}', MIN(created_at), MIN(created_at)
FROM domains WHERE reseller <> '' GROUP BY lower(reseller);
UPDATE domains
SET reseller = (SELECT r.name FROM resellers r WHERE lower(r.name) = lower(domains.reseller))
WHERE reseller <> '';
