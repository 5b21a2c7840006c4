-- Blocklist sources: public lists BanBot downloads on a schedule and bans in one jail.
CREATE TABLE blocklist_sources (
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,             -- the fail2ban host whose jail the list feeds
  name TEXT NOT NULL COLLATE NOCASE,
  url TEXT NOT NULL,
  jail TEXT NOT NULL,
  schedule TEXT NOT NULL,         -- croner pattern, UTC
  ban_ms INTEGER,                 -- lift a ban this long after the last run that listed it; NULL: never
  max_entries INTEGER NOT NULL,
  unban_departed INTEGER NOT NULL DEFAULT 1 CHECK (unban_departed IN (0, 1)),
  enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  -- HTTP validators, and a hash of the list and of what filtered it, from the last download applied
  -- in full. Saved only when a run completes, so an interrupted run cannot make the next one skip
  -- what is left to do as "unchanged".
  etag TEXT,
  last_modified TEXT,
  list_hash TEXT,
  created_at INTEGER NOT NULL,    -- Unix milliseconds
  created_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (host, name)
);

-- One row per import, kept for the last few dozen per source.
CREATE TABLE blocklist_runs (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES blocklist_sources (id) ON DELETE CASCADE,
  started_at INTEGER NOT NULL,
  trigger TEXT NOT NULL,          -- manual | schedule
  outcome TEXT NOT NULL,          -- running | ok | unchanged | failed | interrupted
  bytes INTEGER NOT NULL DEFAULT 0,
  fetched INTEGER NOT NULL DEFAULT 0,   -- lines with an entry, valid or not
  valid INTEGER NOT NULL DEFAULT 0,     -- distinct valid entries
  invalid INTEGER NOT NULL DEFAULT 0,
  invalid_sample TEXT,            -- JSON array: the first invalid lines
  skipped INTEGER NOT NULL DEFAULT 0,
  skipped_detail TEXT,            -- JSON object: count per reason (ignored, protected, special, broad)
  added INTEGER NOT NULL DEFAULT 0,
  renewed INTEGER NOT NULL DEFAULT 0,   -- still listed, but fail2ban's ban had ended: banned again
  removed INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER,
  error TEXT
);
CREATE INDEX blocklist_runs_source ON blocklist_runs (source_id, started_at);

-- What each source has listed in which jail: the base of the diff, and the record of who banned
-- what. A ban is written here as `pending` before it is sent and flipped to `banned` in the same
-- transaction that notes its chunk as done, so a crash between the two is redone, not lost.
-- No cascade from sources: removing a source unbans its addresses first, then deletes these rows.
CREATE TABLE blocklist_members (
  source_id INTEGER NOT NULL REFERENCES blocklist_sources (id),
  jail TEXT NOT NULL,
  entry TEXT NOT NULL,            -- address or network, in the form fail2ban stores it
  state TEXT NOT NULL CHECK (state IN ('pending', 'banned', 'departed')),
  owned INTEGER NOT NULL CHECK (owned IN (0, 1)),  -- 1: a blocklist's ban; 0: fail2ban had it already
  banned_at INTEGER,
  f2b_until INTEGER,              -- when the jail's bantime ends the ban; NULL: never or unknown
  expires_at INTEGER,             -- when BanBot lifts it (a source's ban duration); NULL: never
  PRIMARY KEY (source_id, jail, entry)
) WITHOUT ROWID;
-- Lookups by entry across sources; covering, so counting what a jail holds reads only this index.
CREATE INDEX blocklist_members_entry ON blocklist_members (jail, entry, state, f2b_until);
CREATE INDEX blocklist_members_expires ON blocklist_members (expires_at) WHERE expires_at IS NOT NULL;
