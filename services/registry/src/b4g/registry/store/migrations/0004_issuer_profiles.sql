-- Issuer profiles as the issuer service announces them (b4g.issuer.profiles.v1): which DIDs
-- issue on our platform, and how many of their keys were reported compromised.
CREATE TABLE issuer_profiles (
    did              text PRIMARY KEY,
    issuer_id        text NOT NULL,
    name             text,
    compromised_keys integer NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE monitoring_cases DROP CONSTRAINT monitoring_cases_kind_check;
ALTER TABLE monitoring_cases ADD CONSTRAINT monitoring_cases_kind_check
    CHECK (kind IN ('inactivity', 'revocation_spike', 'did_unresolvable', 'key_compromised'));
