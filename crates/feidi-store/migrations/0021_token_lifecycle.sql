-- API tokens have a lifecycle: an optional expiry, when each was last used, a list per user,
-- and revocation. Deactivating a user ends its tokens and sessions for good (they would come
-- back with a reactivation otherwise).
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT;
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, id);
-- on postgres:
CREATE FUNCTION feidi_user_deactivated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM api_tokens WHERE user_id = NEW.id;
    DELETE FROM sessions WHERE user_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER users_deactivated AFTER UPDATE OF active ON users FOR EACH ROW
WHEN (NEW.active = FALSE AND OLD.active = TRUE) EXECUTE FUNCTION feidi_user_deactivated();
-- on sqlite:
CREATE TRIGGER users_deactivated AFTER UPDATE OF active ON users
WHEN NEW.active = 0 AND OLD.active = 1 BEGIN
    DELETE FROM api_tokens WHERE user_id = NEW.id;
    DELETE FROM sessions WHERE user_id = NEW.id;
END;
