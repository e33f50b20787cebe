-- Acknowledges a room's minutes (engaged time, conversions) that ClickHouse has taken: a minute still at its flushed version is
-- clean (ZREM from the dirty set), and an old one's hash is deleted. A minute changed since the flush
-- read it stays dirty and is flushed again (absolute values with a newer version).
--
-- KEYS: engaged dirty minutes, then one engaged minute hash per flushed minute
-- ARGV: deleteBeforeEpochSec, then per minute (same order as its KEYS): minuteEpochSec, version
-- Returns: how many minutes became clean.
local clean = 0
for i = 2, #KEYS do
  local minute, version = ARGV[2 * i - 2], ARGV[2 * i - 1]
  if (redis.call('HGET', KEYS[i], '__v') or '0') == version then
    redis.call('ZREM', KEYS[1], minute)
    clean = clean + 1
    if tonumber(minute) < tonumber(ARGV[1]) then
      redis.call('DEL', KEYS[i])
    end
  end
end
return clean
