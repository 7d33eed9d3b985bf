-- Keys made by keys: NetSapiens' `can-create-keys` says whether a key may make keys, and a key
-- made by a key names it as its parent and dies with it (revoking a key revokes its children).
ALTER TABLE api_keys ADD COLUMN can_create_keys INTEGER NOT NULL DEFAULT 0 CHECK (can_create_keys IN (0, 1));
ALTER TABLE api_keys ADD COLUMN parent_id BIGINT REFERENCES api_keys (id) ON DELETE CASCADE;
CREATE INDEX api_keys_parent_idx ON api_keys (parent_id);
