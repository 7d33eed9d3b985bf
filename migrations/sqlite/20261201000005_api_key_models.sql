-- NetSapiens' `user` and `allowed-models` of an API key. Mirrors the Postgres migration of the
-- same name.
--
-- user_id: the user (of the key's one domain) the key acts as, with at most that user's scope and
-- never above its maker's; NULL: the key acts as its maker. A key dies with its user, as it dies
-- with its domain: it never falls back to acting as its maker.
-- allowed_models: '*' (every model, what existing keys keep) or NetSapiens model names,
-- ','-separated, that the key may use (app/src/model/api_key.rs, MODEL_NAMES).
ALTER TABLE api_keys ADD COLUMN user_id BIGINT REFERENCES users (id) ON DELETE CASCADE;
ALTER TABLE api_keys ADD COLUMN allowed_models TEXT NOT NULL DEFAULT '*';
CREATE INDEX api_keys_user_idx ON api_keys (user_id);
