-- Every address a `ban` or a blocklist import bans is noted first (20,000 for a large ban), and the
-- index on `at` made up half of what a note cost (more when an address is noted again, which moves
-- its entry). Its readers do without: the spike detector's query of a jail's notes reads them
-- through the primary key (host, jail, …), and the purge of stale notes scans the table. The table
-- stays small: a note is deleted as its event arrives, and kept for a day at most.
DROP INDEX history_origin_notes_at;
