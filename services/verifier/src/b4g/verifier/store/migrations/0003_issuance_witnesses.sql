-- The registry's issuance witnesses (b4g.registry.witnesses.v1), looked up by the sha256 of a
-- credential's id in one index probe per verification. Narrow rows (32-byte hash, 4-byte issuer
-- reference, timestamp) for 10M credentials a year; each DID is stored once.
CREATE TABLE witness_issuers (
    id  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    did text NOT NULL UNIQUE
);

CREATE TABLE issuance_witnesses (
    credential_hash bytea PRIMARY KEY CHECK (length(credential_hash) = 32),
    issuer          integer NOT NULL REFERENCES witness_issuers (id),
    seen_at         timestamptz NOT NULL
);
