-- Rolls articles' visitor HyperLogLogs up for one closed bucket of one shard: each destination
-- becomes the union of its sources (an hour of twelve 5-minute HLLs, a day of 24 hour HLLs).
-- Absolute (the destination is replaced), so running it again changes nothing.
--
-- KEYS: groups of 1 + ARGV[1] keys: a destination, then its sources (missing ones count as empty)
-- ARGV[1]: sources per group; ARGV[2]: destination TTL in milliseconds
-- Returns {'merged', groups}
local n = tonumber(ARGV[1])
local ttl = ARGV[2]
local groups = 0
for base = 0, #KEYS - 1, n + 1 do
  local dest = KEYS[base + 1]
  redis.call('DEL', dest)
  redis.call('PFMERGE', dest, unpack(KEYS, base + 2, base + 1 + n))
  redis.call('PEXPIRE', dest, ttl)
  groups = groups + 1
end
return {'merged', groups}
