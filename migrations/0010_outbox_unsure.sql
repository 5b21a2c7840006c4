-- An alert post whose outcome BanBot never heard (a timeout, a dropped connection, a 5xx) may have
-- reached the channel: from then on, each retry first looks there for it (Slack: the message's
-- metadata names the outbox key). Unix ms of the first such attempt; NULL while every failure was certain.
ALTER TABLE outbox ADD COLUMN unsure_since INTEGER;
