-- Ban history: every ban and unban BanBot has seen, from its fail2ban action (live) and from
-- backfilling fail2ban's database (downtime). fail2ban forgets bans after dbpurgeage and on unban;
-- this archive keeps them until history.retention. Times are Unix seconds, as in fail2ban's database.
CREATE TABLE history_events (
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  jail TEXT NOT NULL,
  ip TEXT NOT NULL,               -- fail2ban's ticket ID: normally a canonical IP address
  kind TEXT NOT NULL CHECK (kind IN ('ban', 'unban')),
  at INTEGER NOT NULL,            -- a ban: fail2ban's timeofban; an unban: when it was lifted
  ban_time INTEGER NOT NULL,      -- timeofban of the ban the event belongs to (= at for a ban)
  ban_seconds INTEGER,            -- -1 permanent; NULL unknown
  ban_count INTEGER,              -- fail2ban's bancount (bantime.increment)
  failures INTEGER,               -- 0 for bans made by hand or by a tool
  origin TEXT NOT NULL,           -- fail2ban | external | manual | blocklist:<name>
  actor TEXT,                     -- who, for bans BanBot made, e.g. slack:U0123ABC
  matches TEXT,                   -- sanitised excerpt of the matched log lines, newline-separated
  country TEXT,                   -- ISO 3166-1 alpha-2, when a geo database knew it at capture time
  asn INTEGER,
  as_org TEXT
);
-- The same ban reaches BanBot twice (action and backfill, restored bans after a restart): this key,
-- fail2ban's own (jail, ip, timeofban), makes every write idempotent. Led by the address and its ban
-- times, it is also the index for an address's history (each ban with its unban): the only index
-- new events do not append to, so there is only one, which keeps large backfills fast.
CREATE UNIQUE INDEX history_events_key ON history_events (host, ip, ban_time, kind, jail);
-- Everything else goes by time: listings newest first (a jail's filtered inside the index), the
-- aggregates the daily rollup cannot answer (addresses, networks, part days) without touching the
-- table, and the retention purge. New events append to it.
CREATE INDEX history_events_at ON history_events (host, at, kind, jail, country, asn, ip);

-- Bans per UTC day, jail and country, kept with the events: `top countries|jails` and daily or
-- weekly `stats` add up a few rows per day instead of every ban in the window. '' stands for an
-- unknown country (a NULL would never match the upsert).
CREATE TABLE history_daily (
  host TEXT NOT NULL,
  day INTEGER NOT NULL,           -- Unix seconds of 00:00 UTC
  jail TEXT NOT NULL,
  country TEXT NOT NULL,
  bans INTEGER NOT NULL,
  last_at INTEGER NOT NULL,       -- the latest ban counted here
  PRIMARY KEY (host, day, jail, country)
) WITHOUT ROWID;

-- Who made a ban or unban that BanBot itself performed (ban command, blocklist import): matched to
-- the event when it arrives, then deleted.
CREATE TABLE history_origin_notes (
  host TEXT NOT NULL,
  jail TEXT NOT NULL,
  ip TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('ban', 'unban')),
  origin TEXT NOT NULL,
  actor TEXT,
  at INTEGER NOT NULL,            -- when BanBot was about to act
  PRIMARY KEY (host, jail, ip, kind)
) WITHOUT ROWID;
CREATE INDEX history_origin_notes_at ON history_origin_notes (at);

-- How far the backfill has read each fail2ban database, with the row it stopped at: fail2ban reuses
-- rowids once its newest rows are deleted (unban, unban --all), which a changed row here reveals.
CREATE TABLE history_backfill (
  host TEXT NOT NULL,
  source TEXT NOT NULL,           -- the fail2ban database file
  last_rowid INTEGER NOT NULL,
  last_jail TEXT,
  last_ip TEXT,
  last_time INTEGER,
  updated_at INTEGER NOT NULL,    -- Unix milliseconds
  PRIMARY KEY (host, source)
) WITHOUT ROWID;
