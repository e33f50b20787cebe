-- Acknowledges a flush that ClickHouse has taken: for each flushed minute whose change counter is
-- still the flushed version, the minute is clean (ZREM from the dirty set), and an old minute's hash
-- is deleted. A minute changed since the flush read it stays dirty and is flushed again.
--
-- KEYS: dirty-minutes zset, flushed-until key, then one minute hash per flushed minute
-- ARGV: deleteBeforeEpochSec, readAtEpochSec ('' when the flush did not take every dirty minute),
--       then per minute (same order as its KEYS): minuteEpochSec, version
-- Returns: how many minutes became clean.
local dirty, flushedUntil = KEYS[1], KEYS[2]
local deleteBefore = tonumber(ARGV[1])
local clean = 0
for i = 3, #KEYS do
  local minute = ARGV[2 * i - 3]
  local version = ARGV[2 * i - 2]
  local current = redis.call('HGET', KEYS[i], '__v') or '0'
  if current == version then
    redis.call('ZREM', dirty, minute)
    clean = clean + 1
    if tonumber(minute) < deleteBefore then
      redis.call('DEL', KEYS[i])
    end
  end
end
-- Every change applied before readAt is now in ClickHouse: the lag gauge measures from there.
if ARGV[2] ~= '' then
  local before = tonumber(redis.call('GET', flushedUntil) or '0')
  if tonumber(ARGV[2]) > before then
    redis.call('SET', flushedUntil, ARGV[2])
  end
end
return clean
