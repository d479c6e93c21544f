-- Bulk issuance: a job of up to 10,000 rows, each issued (or refused) once by a background
-- worker on any replica. A row's result commits in the same transaction as its credential.
CREATE TABLE bulk_jobs (
    id               uuid PRIMARY KEY,
    platform_id      uuid NOT NULL REFERENCES platforms (id),
    issuer_id        uuid NOT NULL REFERENCES issuers (id),
    key_id           text NOT NULL,        -- the API key that created it: the rows' actor
    total            integer NOT NULL,
    idempotency_key  text,
    request_hash     bytea,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (platform_id, idempotency_key)
);
CREATE INDEX bulk_jobs_issuer ON bulk_jobs (issuer_id, created_at DESC);

CREATE TABLE bulk_job_rows (
    job_id         uuid NOT NULL REFERENCES bulk_jobs (id),
    row_number     integer NOT NULL,          -- 1-based, as in the upload (CSV: data lines)
    request        jsonb NOT NULL,            -- the row as an issue request (or as sent, if invalid)
    state          text NOT NULL CHECK (state IN ('pending', 'issued', 'failed')),
    credential_id  uuid REFERENCES credentials (id),
    error_code     text,
    error_detail   text,
    processed_at   timestamptz,
    PRIMARY KEY (job_id, row_number)
);
-- What the workers claim (FOR UPDATE SKIP LOCKED), in upload order.
CREATE INDEX bulk_job_rows_pending ON bulk_job_rows (job_id, row_number) WHERE state = 'pending';
