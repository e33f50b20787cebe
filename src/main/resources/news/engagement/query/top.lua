-- One window's top list in one round trip: sums the window's bucket sets into a temporary key, reads
-- the head, deletes the temporary key.
--
-- KEYS[1]: temporary key; KEYS[2..]: the window's bucket sets (missing ones count as empty)
-- ARGV[1]: limit
-- Returns {head, ties}, each a flat list of member, score:
--   head: up to limit members with a sum above zero, highest first (net likes can be zero or below);
--   ties: when head is full, up to limit members whose sum equals head's last, lowest id first.
-- Redis orders equal scores by member DEScending here, so head alone can miss lower ids tied with its
-- last item; the caller merges both and sorts by (sum desc, id asc).
local tmp = KEYS[1]
local limit = tonumber(ARGV[1])
redis.call('ZUNIONSTORE', tmp, #KEYS - 1, unpack(KEYS, 2))
local head = redis.call('ZREVRANGEBYSCORE', tmp, '+inf', '(0', 'WITHSCORES', 'LIMIT', 0, limit)
local ties = {}
if #head == 2 * limit then
  local last = head[#head]
  ties = redis.call('ZRANGEBYSCORE', tmp, last, last, 'WITHSCORES', 'LIMIT', 0, limit)
end
redis.call('DEL', tmp)
return {head, ties}
