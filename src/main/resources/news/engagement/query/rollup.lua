-- Rolls closed buckets of one shard up from their finer buckets, several buckets and metrics per call:
-- an hour from its twelve 5-minute sets, a day from its 24 hour sets. Absolute (ZUNIONSTORE replaces
-- the destination), so running it again gives the same sets.
--
-- KEYS: per bucket, per metric, its destination then ARGV[1] source sets (missing ones count as
--   empty); each bucket's first metric is views, whose members are returned
-- ARGV[1]: sources per destination; ARGV[2]: destination TTL in milliseconds; ARGV[3]: metrics per bucket
-- Returns {'buckets', number of buckets rolled, 'articles', {per bucket, {members of its views set}}}
local n = tonumber(ARGV[1])
local ttl = ARGV[2]
local metrics = tonumber(ARGV[3])
local per_bucket = metrics * (n + 1)
local articles = {}
for bucket = 0, #KEYS - 1, per_bucket do
  for base = bucket, bucket + per_bucket - 1, n + 1 do
    local dest = KEYS[base + 1]
    if redis.call('ZUNIONSTORE', dest, n, unpack(KEYS, base + 2, base + 1 + n)) > 0 then
      redis.call('PEXPIRE', dest, ttl)
    end
  end
  articles[#articles + 1] = redis.call('ZRANGE', KEYS[bucket + 1], 0, -1)
end
return {'buckets', #articles, 'articles', articles}
