-- A shard's sum of closed buckets for a window (or a trending baseline), built once by whichever
-- instance asks first and then only read: the buckets are closed, so the sum never changes.
--
-- KEYS[1]: the sum set; KEYS[2..]: the closed buckets' sets it sums (missing ones count as empty)
-- ARGV[1]: TTL of the sum in milliseconds; ARGV[2]: how many of the highest members to return;
-- ARGV[3..]: members whose sums to return
-- Returns {'built', 1 if this call built the sum else 0,
--          'top', {member, score, ...} highest first (ties by member descending),
--          'scores', {score or nil per ARGV[3..] member}}
local sum = KEYS[1]
local built = 0
if redis.call('EXISTS', sum) == 0 and #KEYS > 1 then
  if redis.call('ZUNIONSTORE', sum, #KEYS - 1, unpack(KEYS, 2)) > 0 then
    redis.call('PEXPIRE', sum, ARGV[1])
  end
  built = 1
end
local limit = tonumber(ARGV[2])
local top = {}
if limit > 0 then
  top = redis.call('ZREVRANGE', sum, 0, limit - 1, 'WITHSCORES')
end
local scores = {}
if #ARGV > 2 then
  scores = redis.call('ZMSCORE', sum, unpack(ARGV, 3))
end
return {'built', built, 'top', top, 'scores', scores}
