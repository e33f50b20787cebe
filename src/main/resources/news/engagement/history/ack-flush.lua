-- Acknowledges a flush that ClickHouse has taken, on one shard, and retires old clean minutes.
--
-- A flushed minute whose generation is unchanged: if its version is still the flushed one it is clean
-- (ZREM from the dirty set); an old minute is retired at once, a recent one is kept for late batches and
-- indexed for retirement. Either way "__f" (the version up to which every change of this generation is in
-- ClickHouse) moves up to the flushed version, so the next flush writes only articles changed since.
-- Retiring a minute replaces its hash by a tombstone (__v, __g, __gone) that lives TOMBSTONE seconds: a
-- late batch that finds it starts a new generation instead of a partial copy of a flushed one.
--
-- KEYS: 1 dirty minutes, 2 flushed-until, 3 clean minutes awaiting retirement, then the hash of each
--       flushed minute, then the hash of each minute to retire (same order as ARGV)
-- ARGV: 1 retire before (epoch s), 2 read at (epoch s; '' when the flush did not take all the shard's
--       dirty minutes), 3 tombstone ttl (s), 4 number of flushed minutes n, then per flushed minute:
--       minute, generation, version; then per minute to retire: minute
-- Returns: {clean, retired}
local dirty, flushedUntil, retiring = KEYS[1], KEYS[2], KEYS[3]
local retireBefore, tombstoneTtl, n = tonumber(ARGV[1]), tonumber(ARGV[3]), tonumber(ARGV[4])
local clean, retired = 0, 0

local function retire(key)
  local meta = redis.call('HMGET', key, '__v', '__g', '__gone')
  if not meta[1] or meta[3] then
    return
  end
  redis.call('DEL', key)
  redis.call('HSET', key, '__v', meta[1], '__g', meta[2] or '0', '__gone', '1')
  redis.call('EXPIRE', key, tombstoneTtl)
  retired = retired + 1
end

for i = 1, n do
  local key = KEYS[3 + i]
  local minute, generation, version = ARGV[2 + 3 * i], ARGV[3 + 3 * i], ARGV[4 + 3 * i]
  local meta = redis.call('HMGET', key, '__v', '__g', '__gone', '__f')
  if meta[1] and not meta[3] and (meta[2] or '0') == generation then
    if meta[1] == version then
      redis.call('ZREM', dirty, minute)
      clean = clean + 1
      if tonumber(minute) < retireBefore then
        retire(key)
      else
        redis.call('HSET', key, '__f', version)
        redis.call('ZADD', retiring, minute, minute)
      end
    elseif tonumber(version) > (tonumber(meta[4]) or 0) then
      -- Changed since the read: what was read is in; the articles changed since stay above __f.
      redis.call('HSET', key, '__f', version)
    end
  end
end

for i = 4 + n, #KEYS do
  local minute = ARGV[5 + 3 * n + (i - 4 - n)]
  redis.call('ZREM', retiring, minute)
  -- A minute dirty again is indexed again when that change is acknowledged.
  if not redis.call('ZSCORE', dirty, minute) then
    retire(KEYS[i])
  end
end

-- Every change applied before readAt is now in ClickHouse: the lag gauge measures from there.
if ARGV[2] ~= '' then
  local before = tonumber(redis.call('GET', flushedUntil) or '0')
  if tonumber(ARGV[2]) > before then
    redis.call('SET', flushedUntil, ARGV[2])
  end
end
return {clean, retired}
