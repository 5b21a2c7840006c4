-- Bans per UTC day and jail, beside the per-country and per-network rollups: `stats` over a year
-- added up every country of every day (46,000 rows for a year of 1,000,000 bans) where a few
-- rows per day do. Kept and purged like the others, in the same transaction as the events.
CREATE TABLE history_daily_jail (
  host TEXT NOT NULL,
  day INTEGER NOT NULL,           -- Unix seconds of 00:00 UTC
  jail TEXT NOT NULL,
  bans INTEGER NOT NULL,
  last_at INTEGER NOT NULL,       -- the latest ban counted here
  PRIMARY KEY (host, day, jail)
) WITHOUT ROWID;

-- From the events, as 0012 built its rollups.
INSERT INTO history_daily_jail (host, day, jail, bans, last_at)
  SELECT host, at - at % 86400, jail, count(*), max(at) FROM history_events WHERE kind = 'ban' GROUP BY 1, 2, 3;
