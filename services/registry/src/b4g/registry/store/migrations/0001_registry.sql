-- Organisations, their DIDs with proof of control, API keys by role, and the audit chain.
CREATE TABLE api_keys (
    key_id          text PRIMARY KEY,
    secret_hash     bytea NOT NULL,
    role            text NOT NULL CHECK (role IN ('registry_admin', 'assessor', 'committee',
                                                  'org_admin', 'auditor')),
    organisation_id uuid,
    label           text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz
);

CREATE TABLE organisations (
    id            uuid PRIMARY KEY,
    legal_name    text NOT NULL,
    country       text NOT NULL,
    website       text,
    contact_email text,
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'removed')),
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE organisation_status_history (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    status          text NOT NULL,
    reason          text,
    actor           text NOT NULL,
    effective_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dids (
    did               text PRIMARY KEY,
    organisation_id   uuid NOT NULL REFERENCES organisations (id),
    challenge         text NOT NULL,
    challenge_expires timestamptz NOT NULL,
    proven_at         timestamptz,
    valid_from        timestamptz NOT NULL DEFAULT now(),
    valid_until       timestamptz,
    trust_sequence    bigint NOT NULL DEFAULT 0
);

CREATE TABLE audit_log (
    seq       bigserial PRIMARY KEY,
    at        timestamptz NOT NULL,
    actor     text NOT NULL,
    action    text NOT NULL,
    subject   text NOT NULL,
    reason    text,
    before    jsonb,
    after     jsonb,
    prev_hash text NOT NULL,
    hash      text NOT NULL UNIQUE
);
