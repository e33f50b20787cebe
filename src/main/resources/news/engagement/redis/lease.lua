-- A lease (the history and presence flushers' alike): one owner at a time, with an expiry so a crashed owner's lease lapses.
-- KEYS[1]: lease key. ARGV: owner id, ttl millis, 'hold' (acquire or renew) or 'release'.
-- Returns 1 when the caller holds (or released) the lease, 0 otherwise.
local key, owner, ttl, action = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local current = redis.call('GET', key)
if action == 'release' then
  if current == owner then
    redis.call('DEL', key)
    return 1
  end
  return 0
end
if current == owner then
  redis.call('PEXPIRE', key, ttl)
  return 1
end
if not current then
  redis.call('SET', key, owner, 'PX', ttl)
  return 1
end
return 0
