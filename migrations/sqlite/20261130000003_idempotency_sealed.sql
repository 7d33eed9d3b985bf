-- Idempotency keys are now stored as their SHA-256 and answers encrypted with a key derived from
-- the Idempotency-Key (app/src/ssr/idempotency.rs). The answers kept until now (for a day) hold
-- secrets in clear and could not be found by their hashed keys any more: they go.
DELETE FROM idempotency_keys;
