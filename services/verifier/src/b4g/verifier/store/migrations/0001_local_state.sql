-- The verifier's local copies of other services' state, fed by events.

-- Newest signed status-list credential per list (b4g.issuer.status-lists.v1).
CREATE TABLE status_lists (
    list_id     text PRIMARY KEY,
    url         text NOT NULL UNIQUE,
    purpose     text NOT NULL,
    version     bigint NOT NULL,
    credential  jsonb NOT NULL,
    body        bytea NOT NULL,      -- the credential exactly as served
    etag        text NOT NULL,
    ttl_seconds integer NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Issuer profiles and their verification methods (b4g.issuer.profiles.v1).
CREATE TABLE issuers (
    issuer_id  text PRIMARY KEY,
    did        text NOT NULL UNIQUE,
    profile    jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE verification_methods (
    did                  text NOT NULL,
    id                   text NOT NULL,
    public_key_multibase text NOT NULL,
    state                text NOT NULL CHECK (state IN ('active', 'retired', 'compromised')),
    PRIMARY KEY (did, id)
);

-- Full trust state per DID (b4g.registry.trust.v1).
CREATE TABLE trust_states (
    did        text PRIMARY KEY,
    state      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
