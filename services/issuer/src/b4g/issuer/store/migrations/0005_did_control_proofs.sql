-- Every DID-control proof the issuer signed for a registry (enrolment), under the API key that
-- asked for it: the only signatures besides credentials and status lists, so each is accounted
-- for. The challenge itself is kept as a hash (it is single-use and means nothing later).
CREATE TABLE did_control_proofs (
    id uuid PRIMARY KEY,
    issuer_id uuid NOT NULL REFERENCES issuers (id),
    platform_id uuid NOT NULL,
    actor text NOT NULL,
    did text NOT NULL,
    domain text NOT NULL,
    challenge_sha256 text NOT NULL,
    verification_method text NOT NULL,
    submitted_to text,
    registry_status int,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX did_control_proofs_issuer ON did_control_proofs (issuer_id, created_at);
