-- A fleet agent's memory of the command requests its front sent, by request id: a request that
-- comes again (the front retried, NATS delivered twice) gets the first answer and runs nothing.
-- `answer` is NULL while the command runs; a row still NULL after a restart was interrupted, and
-- is answered as such, never run again. Reads are forgotten once answered (running one again is
-- harmless); the rest are kept a day.
CREATE TABLE fleet_requests (
  id TEXT PRIMARY KEY,
  command_line TEXT NOT NULL,
  received_at INTEGER NOT NULL,   -- Unix ms
  answer TEXT                     -- the wire answer (JSON), once there is one
) WITHOUT ROWID;

CREATE INDEX fleet_requests_received ON fleet_requests (received_at);
