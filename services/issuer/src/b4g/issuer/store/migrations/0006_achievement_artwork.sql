-- An achievement's artwork for baked badges: uploaded by the platform or fetched once (through
-- the safe fetcher) from a URL it gave, never at download time. One PNG and one SVG at most.
CREATE TABLE achievement_artwork (
    achievement_id uuid NOT NULL REFERENCES achievements (id),
    kind           text NOT NULL CHECK (kind IN ('png', 'svg')),
    content        bytea NOT NULL,
    sha256         text NOT NULL,
    source         text NOT NULL,  -- 'upload' or the URL it was fetched from
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (achievement_id, kind)
);
