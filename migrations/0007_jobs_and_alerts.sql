-- Background jobs and alert delivery (issue 9).

-- One row: which BanBot process runs the background jobs for this data dir. A lease, renewed by
-- heartbeats, so a crashed holder is replaced once its heartbeat is stale.
CREATE TABLE instance_lock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  owner TEXT NOT NULL,          -- "<host>:<pid>:<random>", unique per process
  acquired_at INTEGER NOT NULL, -- Unix ms
  heartbeat_at INTEGER NOT NULL -- Unix ms
);

-- Alerts are written here first and delivered by a worker, so a platform that is down or
-- rate-limiting delays them but loses nothing, and the unique dedupe key means a restart or a retry
-- never posts one twice.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,
  platform TEXT NOT NULL,            -- slack | discord
  channel TEXT NOT NULL,
  reply TEXT NOT NULL,               -- the Reply as JSON (images base64)
  mode TEXT NOT NULL,                -- post | follow_up | replace
  parent_key TEXT,                   -- for follow_up and replace: the dedupe key of the earlier post
  state TEXT NOT NULL,               -- pending | sent | failed
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,          -- Unix ms
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  message_id TEXT,                   -- Slack ts / Discord message id, once sent
  thread TEXT,
  last_error TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_at);

-- What the alert detectors know between runs (consecutive failures, open incidents, baselines), so a
-- restart neither repeats an alert nor forgets that an outage is still open.
CREATE TABLE alert_state (
  key TEXT PRIMARY KEY,       -- e.g. health, spike:sshd
  value TEXT NOT NULL,        -- JSON, owned by the detector
  updated_at INTEGER NOT NULL
);

-- `alerts mute <what> [for <duration>]`: what is an alert kind, a jail, or kind:jail.
CREATE TABLE alert_mutes (
  what TEXT PRIMARY KEY,
  until INTEGER,              -- Unix ms; NULL until unmuted
  by TEXT NOT NULL,
  at INTEGER NOT NULL
);
