-- Sessions are now stored by the SHA-256 of their ids (app/src/ssr/db/sessions.rs): a stored row
-- no longer lets anyone who reads the database act as its owner. Sessions kept by their ids in
-- clear cannot be found any more and are removed: everyone logs in again once.
DELETE FROM sessions;
