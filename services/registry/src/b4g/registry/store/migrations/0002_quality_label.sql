-- The Quality Label process: applications, four-eyes decisions, grants and their history.
CREATE TABLE label_applications (
    id              uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    state           text NOT NULL,
    renewal_of      uuid,
    submission      jsonb NOT NULL DEFAULT '{}'::jsonb,
    applied_at      timestamptz,
    decide_by       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE label_application_history (
    application_id uuid NOT NULL REFERENCES label_applications (id),
    action         text NOT NULL,
    state          text NOT NULL,
    actor          text NOT NULL,
    reason         text,
    at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE label_decisions (
    id             uuid PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('approve', 'reject', 'withdraw_grant')),
    application_id uuid REFERENCES label_applications (id),
    grant_id       uuid,
    reason         text NOT NULL,
    proposed_by    text NOT NULL,
    proposed_at    timestamptz NOT NULL DEFAULT now(),
    confirmed_by   text,
    confirmed_at   timestamptz
);

CREATE TABLE label_grants (
    id              uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    application_id  uuid NOT NULL REFERENCES label_applications (id),
    state           text NOT NULL,
    valid_from      timestamptz NOT NULL,
    valid_until     timestamptz NOT NULL
);

-- Append-only: the grant's state from `at` on; any past moment can be answered.
CREATE TABLE label_grant_history (
    grant_id uuid NOT NULL REFERENCES label_grants (id),
    state    text NOT NULL,
    actor    text NOT NULL,
    reason   text,
    at       timestamptz NOT NULL
);
