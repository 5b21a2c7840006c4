-- Bans per week (from Monday 00:00 UTC), jail and network, beside the daily rollup: networks are the
-- key with the most values, so the daily rollup has many rows (the bench's year of 1,000,000 bans:
-- 113,000 in 90 days), and adding them up was most of `top asns 90d` (75–81 ms of 134–145 ms on a
-- slow machine). Whole weeks come from here (20,000 rows in 90 days; 18–21 ms), the days around
-- them from the daily rollup, as before.
--
-- A week is rolled up from its daily rows once it is over (the daily history-retention job), not
-- kept ban by ban: a second upsert per network and batch made archiving bans 10–20% slower. A host's
-- rows here cover every week up to its latest, and a ban archived into one of those weeks later (a
-- backfill of old fail2ban rows) is counted here too. The week the retention cuts into is counted
-- again from its days left.
CREATE TABLE history_weekly_asn (
  host TEXT NOT NULL,
  week INTEGER NOT NULL,          -- Unix seconds of Monday 00:00 UTC
  jail TEXT NOT NULL,
  asn INTEGER NOT NULL,           -- -1: unknown, as in history_daily_asn
  bans INTEGER NOT NULL,
  last_at INTEGER NOT NULL,       -- the latest ban counted here
  PRIMARY KEY (host, week, jail, asn)
) WITHOUT ROWID;

-- The weeks over by now. 1970-01-05, the first Monday of Unix time, is 345,600 s in.
INSERT INTO history_weekly_asn (host, week, jail, asn, bans, last_at)
  SELECT host, day - (day - 345600) % 604800 AS week, jail, asn, sum(bans), max(last_at) FROM history_daily_asn
  WHERE day < unixepoch() - (unixepoch() - 345600) % 604800
  GROUP BY host, week, jail, asn;
