-- Applies one conversions writer's coalesced clicks of ONE shard, at most once: per click the dedup
-- marker (SET NX PX window); per counted click its article's 5-minute and hour buckets, the minute
-- hash for ClickHouse and, for conversions, the goal's (and all goals') lists of the 5-minute, hour and
-- day bucket. A re-sent call (same writer, same or older sequence) changes nothing and answers the
-- first result.
--
-- Destinations are bounded: an article keeps at most ARGV[4] destinations live (the set cx); a click to
-- any other counts, and is deduplicated, as "other". Goal lists keep at most ARGV[6] articles per bucket
-- (the lowest drop out), so junk article ids cannot grow them.
--
-- KEYS (built by news.engagement.conversions.ClickSlice): 1 watermark, 2 minute hash, 3 dirty minutes,
--   then per list (same order as ARGV): 5-minute, hour, day sorted sets,
--   then per article: destinations set, 5-minute bucket, hour bucket, then per click its dedup marker
--   (outbound clicks also the marker of "other").
-- ARGV: 1 sequence, 2 minute (epoch s), 3 dedup window (ms), 4 max destinations, 5 destinations TTL (s),
--   6 list cap, 7..9 TTL (s) of 5-minute, hour, day buckets, 10 L, then L list names (goals, "*" = all),
--   then A, per article: id, n, then n pairs (kind g|o, goal or destination).
-- Returns JSON: conversions, outbound, duplicates, replayed.
local seq = tonumber(ARGV[1])
local wm = redis.call('GET', KEYS[1])
if wm then
  local tab = string.find(wm, '\t', 1, true)
  if tonumber(string.sub(wm, 1, tab - 1)) >= seq then
    local done = cjson.decode(string.sub(wm, tab + 1))
    done.replayed = true
    return cjson.encode(done)
  end
end

local minuteKey, dirtyKey = KEYS[2], KEYS[3]
local minute, window, maxDest, destTtl, cap = ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local ttls = {ARGV[7], ARGV[8], ARGV[9]}
local r = {conversions = 0, outbound = 0, duplicates = 0}

local ki, ai = 4, 11
local lists, listOrder = {}, {}
for _ = 1, tonumber(ARGV[10]) do
  local name = ARGV[ai]
  lists[name] = {keys = {KEYS[ki], KEYS[ki + 1], KEYS[ki + 2]}, delta = {}, order = {}}
  listOrder[#listOrder + 1] = name
  ki, ai = ki + 3, ai + 1
end

local function addList(name, article)
  local l = lists[name]
  if not l.delta[article] then
    l.delta[article] = 0
    l.order[#l.order + 1] = article
  end
  l.delta[article] = l.delta[article] + 1
end

local minuteCount = 0
local articles = tonumber(ARGV[ai])
ai = ai + 1
for _ = 1, articles do
  local article, n = ARGV[ai], tonumber(ARGV[ai + 1])
  ai = ai + 2
  local dests, five, hour = KEYS[ki], KEYS[ki + 1], KEYS[ki + 2]
  ki = ki + 3
  local counted, outbound = 0, false
  for _ = 1, n do
    local kind, name = ARGV[ai], ARGV[ai + 1]
    ai = ai + 2
    local seen = KEYS[ki]
    ki = ki + 1
    if kind == 'o' then
      outbound = true
      local other = KEYS[ki]
      ki = ki + 1
      if name ~= 'other' and redis.call('SISMEMBER', dests, name) == 0 then
        if redis.call('SCARD', dests) < maxDest then
          redis.call('SADD', dests, name)
        else
          name, seen = 'other', other
        end
      end
    end
    if redis.call('SET', seen, '1', 'NX', 'PX', window) then
      local field = kind .. ':' .. name
      redis.call('HINCRBY', five, field, 1)
      redis.call('HINCRBY', hour, field, 1)
      redis.call('HINCRBY', minuteKey, article .. '\t' .. kind .. '\t' .. name, 1)
      minuteCount = minuteCount + 1
      counted = counted + 1
      if kind == 'g' then
        r.conversions = r.conversions + 1
        addList(name, article)
        addList('*', article)
      else
        r.outbound = r.outbound + 1
      end
    else
      r.duplicates = r.duplicates + 1
    end
  end
  if counted > 0 then
    redis.call('EXPIRE', five, ttls[1])
    redis.call('EXPIRE', hour, ttls[2])
  end
  if outbound then
    redis.call('EXPIRE', dests, destTtl)
  end
end

for _, name in ipairs(listOrder) do
  local l = lists[name]
  if #l.order > 0 then
    for i, key in ipairs(l.keys) do
      for _, article in ipairs(l.order) do
        redis.call('ZINCRBY', key, l.delta[article], article)
      end
      local card = redis.call('ZCARD', key)
      if card > cap then
        redis.call('ZREMRANGEBYRANK', key, 0, card - cap - 1)
      end
      redis.call('EXPIRE', key, ttls[i])
    end
  end
end

if minuteCount > 0 then
  redis.call('HINCRBY', minuteKey, '__v', 1)
  redis.call('EXPIRE', minuteKey, 86400)
  redis.call('ZADD', dirtyKey, minute, minute)
end

redis.call('SET', KEYS[1], seq .. '\t' .. cjson.encode(r), 'EX', 86400)
return cjson.encode(r)
