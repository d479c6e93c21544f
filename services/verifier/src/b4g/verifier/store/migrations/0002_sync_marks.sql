-- When each consumer last had nothing left to read: how fresh the local copies are, readable by
-- every replica (consumers may run in other processes than the API).
CREATE TABLE consumer_sync (
    consumer     text PRIMARY KEY,
    caught_up_at timestamptz NOT NULL
);
