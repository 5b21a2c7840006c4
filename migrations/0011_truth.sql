-- A timed ban (`ban … for`) outlasts the jail's bantime: BanBot bans the address again before
-- fail2ban would lift it. f2b_until is when fail2ban lifts it unless renewed (Unix milliseconds);
-- NULL when fail2ban holds it at least until `until` (a longer or permanent bantime).
ALTER TABLE timed_bans ADD COLUMN f2b_until INTEGER;
CREATE INDEX timed_bans_renew ON timed_bans (host, f2b_until);

-- A note can carry the ban's real length (a timed ban's duration, not the jail's bantime), which
-- the archived event takes instead of fail2ban's.
ALTER TABLE history_origin_notes ADD COLUMN ban_seconds INTEGER;
