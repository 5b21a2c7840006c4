-- `ban <ip> <jail> for <duration>`: fail2ban bans for the jail's bantime, so BanBot lifts these itself
-- when they end, and must remember them across restarts to do so.
CREATE TABLE timed_bans (
  host TEXT NOT NULL,
  jail TEXT NOT NULL,
  ip TEXT NOT NULL,
  until INTEGER NOT NULL,         -- Unix milliseconds; a re-ban replaces it
  created_at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  PRIMARY KEY (host, jail, ip)
) WITHOUT ROWID;
-- The unban job asks "what is due on this host" every run; ip reports ask across jails.
CREATE INDEX timed_bans_due ON timed_bans (host, until);
CREATE INDEX timed_bans_ip ON timed_bans (host, ip);
