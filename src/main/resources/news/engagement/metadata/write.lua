-- Writes one origin's metadata of an article (field "crawl" or "editor", a JSON text) and answers the
-- whole hash after the write, with its new version.
-- KEYS[1] the article's metadata hash; KEYS[2] the article's totals hash (same shard): the metadata
--   lives as long as the article's counts do, and at least ARGV[3] ms (never shortened).
-- ARGV[1] field; ARGV[2] JSON; ARGV[3] least TTL in ms.
-- The version ("v") is the server's time in microseconds, or one more than the last version: it grows
-- with every write in the order Redis applied them, so ClickHouse's ReplacingMergeTree keeps the last.
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local now = redis.call('TIME')
local version = tonumber(now[1]) * 1000000 + tonumber(now[2])
local last = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if version <= last then
  version = last + 1
end
redis.call('HSET', KEYS[1], 'v', string.format('%d', version))
local ttl = redis.call('PTTL', KEYS[2])
local least = tonumber(ARGV[3])
if ttl < least then
  ttl = least
end
local current = redis.call('PTTL', KEYS[1])
if current > ttl then
  ttl = current
end
redis.call('PEXPIRE', KEYS[1], ttl)
return {'hash', redis.call('HGETALL', KEYS[1])}
