-- Where banned addresses are, as answered by the geo databases or the optional online fallback,
-- and the addresses nothing could place yet (negative results, source IS NULL), which the retry job
-- asks again. In SQLite so that answers survive restarts and reports can aggregate by country or ASN.
CREATE TABLE geo_cache (
  ip TEXT PRIMARY KEY,            -- normalised: IPv6 compressed lower-case, IPv4-mapped stored as IPv4
  country_code TEXT,              -- ISO 3166-1 alpha-2
  country_name TEXT,              -- English
  city TEXT,
  asn INTEGER,
  org TEXT,
  source TEXT,                    -- which database(s) or service answered; NULL while unresolved
  resolved_at INTEGER,            -- Unix milliseconds of the answer
  last_seen INTEGER NOT NULL,     -- Unix milliseconds; rows not seen for geo.cache.retention are purged
  attempts INTEGER NOT NULL DEFAULT 0,  -- failed retries of an unresolved row, for the backoff
  retry_at INTEGER,               -- when the retry job may ask again; NULL once resolved
  CHECK ((source IS NULL) = (resolved_at IS NULL))
) WITHOUT ROWID;
CREATE INDEX geo_cache_last_seen ON geo_cache (last_seen);
CREATE INDEX geo_cache_retry ON geo_cache (retry_at) WHERE retry_at IS NOT NULL;
