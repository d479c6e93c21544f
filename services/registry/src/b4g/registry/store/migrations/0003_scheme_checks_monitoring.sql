-- The Quality Label scheme as versioned data, the facts its automatic checks read, issuer
-- activity from the issuer's events, check results as evidence, and monitoring cases.

CREATE TABLE label_schemes (
    version      integer PRIMARY KEY,
    scheme       jsonb NOT NULL,
    published_by text NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now()
);

-- Version 1: the criteria, periods and thresholds of the Badges4Good / Cities of Learning
-- Quality Label for badge recognition (DESIGN.md).
INSERT INTO label_schemes (version, published_by, scheme) VALUES (1, 'migration', '{
  "name": "Quality Label for badge recognition",
  "criteria": [
    {"id": "platform_registration", "kind": "formal", "check": "automatic",
     "text": "Registered on a network platform (Cities of Learning, Badgecraft or another)"},
    {"id": "organiser_verified", "kind": "formal", "check": "automatic",
     "text": "A verified organiser account on that platform"},
    {"id": "values_accepted", "kind": "formal", "check": "automatic",
     "text": "Accepted the network''s values"},
    {"id": "active_badge_use", "kind": "formal", "check": "automatic",
     "text": "Active use of open badges for at least six months"},
    {"id": "course_completed", "kind": "qualitative", "check": "automatic",
     "text": "Completed the Quality Label online course"},
    {"id": "badge_design", "kind": "qualitative", "check": "assessor",
     "text": "Competence in quality badge design"},
    {"id": "good_practice", "kind": "qualitative", "check": "assessor",
     "text": "Examples of good practice"},
    {"id": "quality_plan", "kind": "qualitative", "check": "assessor",
     "text": "A quality assurance and improvement plan for the next three years"}
  ],
  "validity_days": 1095,
  "assessment_days": 90,
  "renewal": "shortened: holders apply without the course",
  "activity": {"min_active_months": 6, "min_credentials_per_month": 1},
  "monitoring": {"inactivity_days": 120, "revocation_window_days": 7,
                 "revocation_spike_min": 20, "revocation_spike_ratio": 0.25}
}'::jsonb);

ALTER TABLE label_applications ADD COLUMN scheme_version integer NOT NULL DEFAULT 1
    REFERENCES label_schemes (version);

CREATE TABLE organisation_platforms (
    organisation_id    uuid NOT NULL REFERENCES organisations (id),
    platform           text NOT NULL,
    account_id         text NOT NULL,
    organiser_verified boolean NOT NULL DEFAULT false,
    updated_by         text NOT NULL,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation_id, platform)
);

-- Append-only: who accepted which version of the values, when.
CREATE TABLE values_acceptances (
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    values_version  text NOT NULL,
    accepted_by     text NOT NULL,
    accepted_at     timestamptz NOT NULL DEFAULT now()
);

-- Credentials issued and revoked per DID and calendar month (from b4g.issuer.credentials.v1).
CREATE TABLE issuer_activity (
    did     text NOT NULL,
    month   date NOT NULL,
    issued  integer NOT NULL DEFAULT 0,
    revoked integer NOT NULL DEFAULT 0,
    PRIMARY KEY (did, month)
);

-- Revocations per DID and day, for spikes.
CREATE TABLE issuer_revocations (
    did     text NOT NULL,
    day     date NOT NULL,
    revoked integer NOT NULL DEFAULT 0,
    PRIMARY KEY (did, day)
);

-- Append-only evidence for assessors: each run of the automatic checks with its inputs.
CREATE TABLE application_checks (
    application_id uuid NOT NULL REFERENCES label_applications (id),
    checked_at     timestamptz NOT NULL DEFAULT now(),
    scheme_version integer NOT NULL,
    results        jsonb NOT NULL
);

CREATE TABLE monitoring_cases (
    id        uuid PRIMARY KEY,
    grant_id  uuid NOT NULL REFERENCES label_grants (id),
    kind      text NOT NULL CHECK (kind IN ('inactivity', 'revocation_spike', 'did_unresolvable')),
    details   jsonb NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz,
    closed_by text,
    note      text
);
-- At most one open case per grant and kind, however many monitors run.
CREATE UNIQUE INDEX monitoring_cases_one_open ON monitoring_cases (grant_id, kind)
    WHERE closed_at IS NULL;
