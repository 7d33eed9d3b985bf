-- Which request holds a running claim on an Idempotency-Key: a random token, so that a request
-- cancelled while claiming can let go of its own claim (and never of another request's).
ALTER TABLE idempotency_keys ADD COLUMN claim_token TEXT NOT NULL DEFAULT '';
