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

-- Each address's latest ban, per jail and ('') over all jails: the distinct addresses banned since
-- a time are the rows whose last ban is at or after it, a count no daily rollup can add up. No index
-- on last_at: counting a jail's rows is quick, and every backfilled ban would pay for its upkeep.
CREATE TABLE history_addresses (
  host TEXT NOT NULL,
  jail TEXT NOT NULL,             -- '' for the address's latest ban in any jail
  ip TEXT NOT NULL,
  last_at INTEGER NOT NULL,
  PRIMARY KEY (host, jail, ip)
) WITHOUT ROWID;

INSERT INTO history_daily_asn (host, day, jail, asn, bans, last_at)
  SELECT host, at - at % 86400, jail, coalesce(asn, -1), count(*), max(at) FROM history_events WHERE kind = 'ban' GROUP BY 1, 2, 3, 4;
INSERT INTO history_addresses (host, jail, ip, last_at)
  SELECT host, jail, ip, max(at) FROM history_events WHERE kind = 'ban' GROUP BY host, jail, ip;
INSERT INTO history_addresses (host, jail, ip, last_at)
  SELECT host, '', ip, max(at) FROM history_events WHERE kind = 'ban' GROUP BY host, ip;
