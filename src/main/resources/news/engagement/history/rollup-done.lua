-- Clears a period's mark once the roll-up wrote what it read after seeing the mark, unless the period was
-- marked again meanwhile (a newer sequence): then it stays marked and is rolled again.
-- KEYS: 1 hash of marks. ARGV: 1 period, 2 the sequence the roll-up saw before it read.
-- Returns: 1 when cleared
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0
