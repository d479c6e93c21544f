-- Issuance witnesses: the registry saw our issuer announce a credential of a proven DID.
-- Sized for 10M credentials a year: a row is a 32-byte hash, a 4-byte issuer reference and a
-- timestamp (about 80 bytes with its index entry, under 1 GB a year); DIDs are stored once.
CREATE TABLE witness_issuers (
    id  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    did text NOT NULL UNIQUE
);

CREATE TABLE issuance_witnesses (
    credential_hash bytea PRIMARY KEY CHECK (length(credential_hash) = 32),  -- sha256(credential id)
    issuer          integer NOT NULL REFERENCES witness_issuers (id),
    seen_at         timestamptz NOT NULL
);
