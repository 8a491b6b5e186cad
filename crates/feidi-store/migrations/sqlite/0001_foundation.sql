-- feidi foundation: accounts, sessions, audit, the registry (M1).
-- Kept in lockstep with ../postgres/0001_foundation.sql: same tables, columns and indexes.
-- Money is integer fen, areas integer hundredths of a mu, instants RFC 3339 text in +08:00.

CREATE TABLE jurisdictions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    code TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'staff', 'reporter', 'enterprise', 'finance')),
    enterprise_id INTEGER REFERENCES enterprises (id),
    phone TEXT,
    password_hash TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'zh',
    active INTEGER NOT NULL DEFAULT 1, -- a boolean (sqlx's Any driver reads SQLite booleans as integers)
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE zones (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    code TEXT,
    host_jurisdiction_id INTEGER NOT NULL REFERENCES jurisdictions (id),
    operator_jurisdiction_id INTEGER NOT NULL REFERENCES jurisdictions (id),
    area_mu INTEGER NOT NULL CHECK (area_mu >= 0),
    description TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    industry TEXT NOT NULL,
    a_official_id INTEGER REFERENCES users (id),
    b_official_id INTEGER REFERENCES users (id),
    contact_name TEXT,
    contact_phone TEXT,
    address TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    code TEXT UNIQUE,
    name TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('industrial', 'infrastructure', 'supporting')),
    zone_id INTEGER NOT NULL REFERENCES zones (id),
    enterprise_id INTEGER REFERENCES enterprises (id),
    phase TEXT,
    total_investment INTEGER NOT NULL CHECK (total_investment >= 0),
    expected_annual_output INTEGER,
    expected_jobs INTEGER,
    a_official_id INTEGER REFERENCES users (id),
    b_official_id INTEGER REFERENCES users (id),
    description TEXT,
    contact_name TEXT,
    contact_phone TEXT,
    sample INTEGER NOT NULL DEFAULT 0, -- a boolean
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX projects_by_category_zone ON projects (category, zone_id, id);
CREATE INDEX projects_by_zone ON projects (zone_id, id);
CREATE INDEX projects_by_enterprise ON projects (enterprise_id, id);

-- Portfolio totals per category, kept with every project write so the dashboard never scans.
CREATE TABLE portfolio_totals (
    category TEXT PRIMARY KEY,
    project_count INTEGER NOT NULL DEFAULT 0,
    total_investment INTEGER NOT NULL DEFAULT 0
);
INSERT INTO portfolio_totals (category) VALUES ('industrial'), ('infrastructure'), ('supporting');

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at TEXT NOT NULL,
    locked_until TEXT
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    before_json TEXT,
    after_json TEXT,
    note TEXT
);
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id, id);

CREATE TABLE idempotency_keys (
    user_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
