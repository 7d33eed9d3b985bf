-- The client addresses an account last logged in from (comma-separated, newest first, at most
-- ten): while failed logins have soft-locked the account, its owner still gets in from one of
-- them with the right password, and a stranger who caused the lock does not.
ALTER TABLE accounts ADD COLUMN known_addresses TEXT NOT NULL DEFAULT '';
