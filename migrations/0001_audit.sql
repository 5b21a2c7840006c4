-- Every mutating command and every refusal, from any surface (console, Slack, Discord).
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,            -- Unix milliseconds
  host TEXT NOT NULL,             -- the fail2ban host the command was for
  platform TEXT NOT NULL,         -- console | slack | discord
  user_id TEXT NOT NULL,
  user_name TEXT,
  channel_id TEXT,
  command TEXT NOT NULL,          -- command name, e.g. ban
  command_line TEXT NOT NULL,     -- as typed, or as the clicked action would have been typed
  outcome TEXT NOT NULL,          -- ok | refused | error | confirm | expired | cancelled
  message TEXT,                   -- the user-facing result or the incident id
  duration_ms INTEGER NOT NULL
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_user_at ON audit (user_id, at);
