-- One article's distinct visitors over a window: its visitors HyperLogLog of the window's closed
-- buckets, merged once per open bucket by whichever instance asks first (closed buckets never change),
-- counted together with the two live 5-minute HyperLogLogs. All keys are the article's (one shard).
--
-- KEYS[1]: the closed part's HLL; KEYS[2], KEYS[3]: the live 5-minute HLLs;
--   KEYS[4..]: the closed buckets' HLLs (rolled days and hours, 5-minute ones; missing ones are empty)
-- ARGV[1]: TTL of the closed part's HLL in milliseconds
-- Returns {'built', 1 if this call merged the closed part else 0, 'uniques', distinct visitors}
local closed = KEYS[1]
local built = 0
if redis.call('EXISTS', closed) == 0 then
  if #KEYS > 3 then
    redis.call('PFMERGE', closed, unpack(KEYS, 4))
  else
    redis.call('PFADD', closed)
  end
  redis.call('PEXPIRE', closed, ARGV[1])
  built = 1
end
return {'built', built, 'uniques', redis.call('PFCOUNT', closed, KEYS[2], KEYS[3])}
