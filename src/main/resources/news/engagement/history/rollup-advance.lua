-- Announces the next period of the roll-up (the watermark moves past it) and marks it, in one step, before
-- the roll-up reads its rows: an insert into it acknowledged after this is marked again by its writer
-- (rollup-mark.lua), one acknowledged before is seen by the read. A first call starts the roll-up at ARGV[3].
-- KEYS: 1 first period rolled, 2 next period to roll, 3 hash of marks, 4 sequence counter
-- ARGV: 1 the period the caller saw as next ('' when none yet), 2 period length (s), 3 where to start
-- Returns: the next period to roll after this call
local nxt = redis.call('GET', KEYS[2])
if not nxt then
  redis.call('SET', KEYS[1], ARGV[3])
  redis.call('SET', KEYS[2], ARGV[3])
  return tonumber(ARGV[3])
end
if nxt ~= ARGV[1] then
  return tonumber(nxt)
end
redis.call('HSET', KEYS[3], nxt, redis.call('INCR', KEYS[4]))
local after = tonumber(nxt) + tonumber(ARGV[2])
redis.call('SET', KEYS[2], after)
return after
