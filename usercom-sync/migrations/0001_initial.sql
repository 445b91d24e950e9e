-- What User.com last accepted of each user, as a JSON object of its attributes (API v1
-- names; custom attributes by their names).
CREATE TABLE usercom_sync_users (
    user_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    usercom_id BIGINT,
    synced_at BIGINT NOT NULL
);

-- Each event's key and whether User.com has it: 'sending' (written before it is sent),
-- 'delivered', or 'unknown' (its answer was lost).
CREATE TABLE usercom_sync_events (
    event_key TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- What failed and is tried again by every later run, until it succeeds.
CREATE TABLE usercom_sync_failures (
    kind TEXT NOT NULL,
    item_key TEXT NOT NULL,
    operation TEXT NOT NULL,
    error TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    first_failure BIGINT NOT NULL,
    last_failure BIGINT NOT NULL,
    PRIMARY KEY (kind, item_key)
);

-- The last run of each kind ('users', 'events').
CREATE TABLE usercom_sync_runs (
    kind TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    seen BIGINT NOT NULL,
    unchanged BIGINT NOT NULL,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    cleared BIGINT NOT NULL,
    deleted BIGINT NOT NULL,
    failed BIGINT NOT NULL
);

-- The pace each server's client learned from its refusals (requests a second), which the
-- next run's client starts at instead of learning it again.
CREATE TABLE usercom_sync_pace (
    server TEXT PRIMARY KEY,
    rate DOUBLE PRECISION NOT NULL,
    learned_at BIGINT NOT NULL
);
