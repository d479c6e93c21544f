-- Issuer service schema: tenants and their keys, issuer profiles and signing keys, achievements,
-- credentials, status lists. Every tenant-owned row carries platform_id so queries filter by it.

CREATE TABLE platforms (
    id         uuid PRIMARY KEY,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    key_id       text PRIMARY KEY,
    platform_id  uuid NOT NULL REFERENCES platforms (id),
    name         text NOT NULL DEFAULT '',
    scopes       text[] NOT NULL,
    secret_hash  bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
CREATE INDEX api_keys_platform ON api_keys (platform_id);

CREATE TABLE issuers (
    id          uuid PRIMARY KEY,
    platform_id uuid NOT NULL REFERENCES platforms (id),
    did         text NOT NULL UNIQUE,
    did_method  text NOT NULL CHECK (did_method IN ('web', 'key')),
    profile     jsonb NOT NULL,
    -- Suspension needs a second status entry per credential (see docs): opt-in per issuer.
    allow_suspension boolean NOT NULL DEFAULT false,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX issuers_platform ON issuers (platform_id, created_at);

-- Signing keys: the seed is sealed under a per-key data key, itself sealed by the key provider.
CREATE TABLE issuer_keys (
    id                    uuid PRIMARY KEY,
    issuer_id             uuid NOT NULL REFERENCES issuers (id),
    verification_method   text NOT NULL UNIQUE,
    public_key_multibase  text NOT NULL,
    sealed_seed           bytea NOT NULL,
    sealed_data_key       bytea NOT NULL,
    key_ref               text NOT NULL,
    state                 text NOT NULL CHECK (state IN ('active', 'retired', 'compromised')),
    created_at            timestamptz NOT NULL DEFAULT now(),
    retired_at            timestamptz,
    compromised_at        timestamptz
);
-- Exactly one key signs at a time.
CREATE UNIQUE INDEX issuer_keys_one_active ON issuer_keys (issuer_id) WHERE state = 'active';

CREATE TABLE achievements (
    id              uuid PRIMARY KEY,
    platform_id     uuid NOT NULL REFERENCES platforms (id),
    issuer_id       uuid NOT NULL REFERENCES issuers (id),
    current_version integer NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX achievements_issuer ON achievements (issuer_id, created_at);

-- Achievements are versioned: a credential embeds the version current when it was issued.
CREATE TABLE achievement_versions (
    achievement_id uuid NOT NULL REFERENCES achievements (id),
    version        integer NOT NULL,
    body           jsonb NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (achievement_id, version)
);

-- Lists of one issuer and purpose are numbered; the highest number is the one being filled.
-- A new list is opened by inserting the next number: the unique key lets only one replica win.
CREATE TABLE status_lists (
    id          uuid PRIMARY KEY,
    issuer_id   uuid NOT NULL REFERENCES issuers (id),
    purpose     text NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
    seq         integer NOT NULL,
    length      integer NOT NULL,
    capacity    integer NOT NULL,
    bits        bytea NOT NULL,
    version     bigint NOT NULL DEFAULT 1,
    credential  jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (issuer_id, purpose, seq)
);

-- One row per handed-out index: the primary key makes allocation safe across replicas.
CREATE TABLE status_allocations (
    list_id        uuid NOT NULL REFERENCES status_lists (id),
    index          integer NOT NULL,
    credential_id  uuid NOT NULL,
    PRIMARY KEY (list_id, index)
);

CREATE TABLE credentials (
    id                  uuid PRIMARY KEY,
    platform_id         uuid NOT NULL REFERENCES platforms (id),
    issuer_id           uuid NOT NULL REFERENCES issuers (id),
    achievement_id      uuid NOT NULL REFERENCES achievements (id),
    achievement_version integer NOT NULL,
    recipient           text NOT NULL,
    status              text NOT NULL CHECK (status IN ('active', 'revoked', 'suspended')),
    formats             text[] NOT NULL,
    document            jsonb,
    jwt                 text,
    status_list_id      uuid NOT NULL REFERENCES status_lists (id),
    status_list_index   integer NOT NULL,
    suspension_list_id  uuid REFERENCES status_lists (id),
    suspension_index    integer,
    issued_at           timestamptz NOT NULL,
    valid_from          timestamptz,
    valid_until         timestamptz,
    idempotency_key     text,
    request_hash        bytea,
    UNIQUE (platform_id, idempotency_key)
);
CREATE INDEX credentials_listing ON credentials (platform_id, issued_at DESC, id DESC);
CREATE INDEX credentials_achievement ON credentials (achievement_id, issued_at DESC);
CREATE INDEX credentials_recipient ON credentials (platform_id, recipient);

CREATE TABLE credential_status_changes (
    id             bigserial PRIMARY KEY,
    credential_id  uuid NOT NULL REFERENCES credentials (id),
    status         text NOT NULL,
    reason         text,
    actor          text NOT NULL,
    changed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credential_status_changes_credential ON credential_status_changes (credential_id, id);
