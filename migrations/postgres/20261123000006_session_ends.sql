-- Pages answered for a portal session may be kept as copies (server/src/read_cache.rs) while
-- nothing changes and the session lasts. Ending a session (logging out, a password change, a
-- manager ending them) is announced like any other change, so no Roster server sharing this
-- database answers a copy for a session that has ended. Logins and "last seen" updates are not
-- announced: they end no copy's right to be answered.
CREATE TRIGGER sessions_announce_end AFTER DELETE OR TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION roster_announce_change();
