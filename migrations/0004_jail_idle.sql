-- fail2ban's socket can set a jail idle but has no command to read the flag back, so BanBot remembers
-- what it last set, and by whom. fail2ban forgets the flag when the jail restarts; this table does not.
CREATE TABLE jail_idle (
  host TEXT NOT NULL,
  jail TEXT NOT NULL,
  idle INTEGER NOT NULL CHECK (idle IN (0, 1)),
  set_by TEXT NOT NULL,
  set_at INTEGER NOT NULL,        -- Unix milliseconds
  PRIMARY KEY (host, jail)
) WITHOUT ROWID;
