-- Destructive commands wait here for their confirmation button. In SQLite rather than in memory so
-- that a click after a restart is answered as "expired", not as an unknown button.
CREATE TABLE confirmations (
  token TEXT PRIMARY KEY,         -- random and unguessable: it is what the button carries
  command_line TEXT NOT NULL,     -- what the click runs; compared again on confirm
  platform TEXT NOT NULL,         -- who asked, for the UI: anyone with the command's role may confirm
  user_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,    -- Unix milliseconds
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX confirmations_expires_at ON confirmations (expires_at);
