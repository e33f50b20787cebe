-- Rolls one closed bucket of one shard up from its finer buckets, for several metrics at once:
-- an hour from its twelve 5-minute sets, a day from its 24 hour sets. Absolute (ZUNIONSTORE
-- replaces the destination), so running it again gives the same sets.
--
-- KEYS: per metric, its destination then ARGV[1] source sets (missing ones count as empty);
--   the first metric's destination is the views set, whose members are returned
-- ARGV[1]: sources per metric; ARGV[2]: destination TTL in milliseconds
-- Returns {'sizes', {members per destination}, 'articles', {members of the views destination}}
local n = tonumber(ARGV[1])
local ttl = ARGV[2]
local sizes = {}
for base = 0, #KEYS - 1, n + 1 do
  local dest = KEYS[base + 1]
  local size = redis.call('ZUNIONSTORE', dest, n, unpack(KEYS, base + 2, base + 1 + n))
  if size > 0 then
    redis.call('PEXPIRE', dest, ttl)
  end
  sizes[#sizes + 1] = size
end
return {'sizes', sizes, 'articles', redis.call('ZRANGE', KEYS[1], 0, -1)}
