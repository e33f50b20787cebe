-- Marks periods (hours, or days) of the roll-up for a re-roll: called after ClickHouse acknowledged an
-- insert into them (the flusher's rows for an hour, the roll-up's hour rows for a day). Only periods
-- already announced (first <= period < next) are marked; a later one is read when it is rolled, which
-- happens after this insert (its announcement comes later), so it sees the rows.
-- KEYS: 1 first period rolled, 2 next period to roll, 3 hash of marks (period -> sequence), 4 sequence counter
-- ARGV: the periods' starts (epoch seconds)
-- Returns: how many were marked
local first, nxt = tonumber(redis.call('GET', KEYS[1])), tonumber(redis.call('GET', KEYS[2]))
if not first or not nxt then
  return 0
end
local marked = 0
for i = 1, #ARGV do
  local period = tonumber(ARGV[i])
  if period >= first and period < nxt then
    redis.call('HSET', KEYS[3], ARGV[i], redis.call('INCR', KEYS[4]))
    marked = marked + 1
  end
end
return marked
