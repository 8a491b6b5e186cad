-- A login is one name whatever its case: "ADMIN" beside "admin" would let a second account
-- pass for the first in every list and audit line, and logging in matches either way.
CREATE UNIQUE INDEX users_login_lower ON users (lower(login));
