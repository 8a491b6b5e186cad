-- feidi foundation: accounts, sessions, audit, the registry (M1).
-- Money is integer fen, areas integer hundredths of a mu, instants RFC 3339 text in +08:00.

CREATE TABLE jurisdictions (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    code TEXT,
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE users (
    id {{id}},
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'staff', 'reporter', 'enterprise', 'finance')),
-- on postgres:
    enterprise_id BIGINT,
-- on sqlite:
    enterprise_id INTEGER REFERENCES enterprises (id),
-- on both:
    phone TEXT,
    password_hash TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'zh',
    active {{bool}} NOT NULL DEFAULT {{true}},
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE zones (
    id {{id}},
    name TEXT NOT NULL UNIQUE,
    code TEXT,
    host_jurisdiction_id {{int}} NOT NULL REFERENCES jurisdictions (id),
    operator_jurisdiction_id {{int}} NOT NULL REFERENCES jurisdictions (id),
    area_mu {{int}} NOT NULL CHECK (area_mu >= 0),
    description TEXT,
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE enterprises (
    id {{id}},
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    industry TEXT NOT NULL,
    a_official_id {{int}} REFERENCES users (id),
    b_official_id {{int}} REFERENCES users (id),
    contact_name TEXT,
    contact_phone TEXT,
    address TEXT,
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE projects (
    id {{id}},
    code TEXT UNIQUE,
    name TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('industrial', 'infrastructure', 'supporting')),
    zone_id {{int}} NOT NULL REFERENCES zones (id),
    enterprise_id {{int}} REFERENCES enterprises (id),
    phase TEXT,
    total_investment {{int}} NOT NULL CHECK (total_investment >= 0),
    expected_annual_output {{int}},
    expected_jobs {{int}},
    a_official_id {{int}} REFERENCES users (id),
    b_official_id {{int}} REFERENCES users (id),
    description TEXT,
    contact_name TEXT,
    contact_phone TEXT,
    sample {{bool}} NOT NULL DEFAULT {{false}},
    version {{int}} NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX projects_by_category_zone ON projects (category, zone_id, id);
CREATE INDEX projects_by_zone ON projects (zone_id, id);
CREATE INDEX projects_by_enterprise ON projects (enterprise_id, id);

-- Portfolio totals per category, kept with every project write so the dashboard never scans.
CREATE TABLE portfolio_totals (
    category TEXT PRIMARY KEY,
    project_count {{int}} NOT NULL DEFAULT 0,
    total_investment {{int}} NOT NULL DEFAULT 0
);
INSERT INTO portfolio_totals (category) VALUES ('industrial'), ('infrastructure'), ('supporting');

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id {{int}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id {{id}},
    user_id {{int}} NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    failures {{int}} NOT NULL,
    last_failure_at TEXT NOT NULL,
    locked_until TEXT
);

CREATE TABLE audit_log (
    id {{id}},
    at TEXT NOT NULL,
    actor_id {{int}},
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id {{int}},
    before_json TEXT,
    after_json TEXT,
    note TEXT
);
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id, id);

CREATE TABLE idempotency_keys (
    user_id {{int}} NOT NULL,
    key TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id {{int}} NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- on postgres:
ALTER TABLE users ADD CONSTRAINT users_enterprise_id_fkey FOREIGN KEY (enterprise_id) REFERENCES enterprises (id);
