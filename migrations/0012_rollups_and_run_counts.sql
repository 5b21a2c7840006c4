-- Two things BanBot keeps from now on: rollups of the ban history, and the duplicates of a blocklist run.

-- Rollups beside history_daily for what it cannot answer, so `top asns` and `stats` add up a few
-- rows per day (or per address) instead of every ban in the window. Kept with the events in the
-- same transaction, purged with them by whole days: exact, never an estimate.

-- Bans per UTC day, jail and network. -1 stands for an unknown AS (a NULL would never match the upsert).
CREATE TABLE history_daily_asn (
  host TEXT NOT NULL,
  day INTEGER NOT NULL,           -- Unix seconds of 00:00 UTC
  jail TEXT NOT NULL,
  asn INTEGER NOT NULL,
  bans INTEGER NOT NULL,
  last_at INTEGER NOT NULL,       -- the latest ban counted here
  PRIMARY KEY (host, day, jail, asn)
) WITHOUT ROWID;

-- Each address's latest ban per jail: the distinct addresses banned since a time are those with a
-- row whose last ban is at or after it, a count no daily rollup can add up. Keyed by address first,
-- so backfilled bans (archived in address order) update it in key order, and a count of distinct
-- addresses over all jails reads it in that order without sorting. One row per address and jail,
-- no index on last_at: every ban pays for this table's upkeep, and counting it is quick.
CREATE TABLE history_addresses (
  host TEXT NOT NULL,
  ip TEXT NOT NULL,
  jail TEXT NOT NULL,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (host, ip, jail)
) WITHOUT ROWID;

INSERT INTO history_daily_asn (host, day, jail, asn, bans, last_at)
  SELECT host, at - at % 86400, jail, coalesce(asn, -1), count(*), max(at) FROM history_events WHERE kind = 'ban' GROUP BY 1, 2, 3, 4;
INSERT INTO history_addresses (host, ip, jail, last_at)
  SELECT host, ip, jail, max(at) FROM history_events WHERE kind = 'ban' GROUP BY host, ip, jail;

-- Lines a blocklist repeated: with valid and invalid ones they add up to every line read.
ALTER TABLE blocklist_runs ADD COLUMN duplicates INTEGER NOT NULL DEFAULT 0;
