-- A category's name for English pages, given by an admin beside the Chinese one (`name`).
-- Empty: a default category still under its default Chinese name reads under its default
-- English one, any other under its Chinese name.
ALTER TABLE appeal_categories ADD COLUMN name_en TEXT;
