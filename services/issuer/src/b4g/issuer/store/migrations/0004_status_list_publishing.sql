-- Status changes flip a list's bit and mark it dirty; a publisher re-signs each dirty list at
-- most once per interval (bursts coalesce into one new version).
ALTER TABLE status_lists ADD COLUMN dirty_since timestamptz;
ALTER TABLE status_lists ADD COLUMN published_at timestamptz;
CREATE INDEX status_lists_dirty ON status_lists (dirty_since) WHERE dirty_since IS NOT NULL;
