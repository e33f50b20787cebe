-- Applies one presence writer's coalesced sightings (views and pings) of one shard: readers of the
-- last 60 s per article and site-wide, the articles ranked by readers now, and engaged time per minute.
-- A re-sent call (same writer, same or older sequence) changes nothing.
--
-- Readers sets are bounded: members are "<sample>|<visitor>", where sample (0..20) is the number of
-- trailing zero bits of a stable hash of the visitor. While a set holds at most ARGV[4] members it is
-- exact (level 0). Past that, the level rises and only members with sample >= level stay: each is one
-- of 2^level visitors, so readers = members * 2^level (hash sampling, relative error about
-- 1/sqrt(ARGV[4])). The level key is set when the level rises and refreshed while the set is over half
-- full; it lapses two minutes later and sampling restarts at full rate.
--
-- Read depth: per article, HyperLogLogs of the visitors who pinged, reached 25 / 50 / 75 / 100 % and
-- engaged; a visitor is added to every one it qualifies for (a repeat changes nothing). They live as
-- long as the article's totals hash (at least a day), so junk ids vanish with their probation.
--
-- KEYS: 1 watermark, 2 site readers, 3 site level, 4 ranking, 5 touched, 6 engaged dirty minutes,
--       then per article: readers, level, and only when it has depth pairs (D > 0 below) its totals
--       hash and depth p, 25, 50, 75, 100, e;
--       then per minute: engaged hash, engaged visitors set
-- ARGV: 1 sequence, 2 now (ms), 3 cutoff (ms, readers seen before it are gone), 4 exact max,
--       5 S, then S pairs (member, last seen ms) for the site set;
--       then A, per article: id, refresh (1: trim the readers set and set its TTL, 0: add and count),
--       n, n pairs (member, last seen ms), D, D pairs (visitor, depth code:
--       2 * thresholds reached (0..4) + 1 if engaged);
--       then M, per minute: minute (epoch s), E, E triples (article, visitor, engaged seconds > 0)
-- Returns: {1, the site set's sampling level, then each article's (in ARGV order)} when applied; {0} when
--   the watermark shows it was applied before. The writer sends the next call only the members at or
--   above the levels it was last told (members below would be dropped here anyway): under load most of
--   the site set's sightings and a hot article's never reach Redis.
local seq = tonumber(ARGV[1])
if seq <= tonumber(redis.call('GET', KEYS[1]) or '0') then
  return {0}
end
local now, cutoff, cap = ARGV[2], ARGV[3], tonumber(ARGV[4])
local SET_TTL_MS = 120000

local function sample(member)
  return tonumber(string.match(member, '^(%d+)|')) or 0
end

-- ZADD with many (score, member) pairs in as few calls as Lua's stack allows (one for any usual call).
local CHUNK = 2000
local function zaddAll(key, flag, items)
  for from = 1, #items, CHUNK do
    local to = math.min(from + CHUNK - 1, #items)
    if flag then
      redis.call('ZADD', key, flag, unpack(items, from, to))
    else
      redis.call('ZADD', key, unpack(items, from, to))
    end
  end
end

-- Adds n (member, ms) pairs from ARGV[i] (one ZADD for all of them) to a set sampled at level (the
-- value of its level key, read with every other set's in one MGET) and answers the readers estimate.
-- With refresh, trims the set to the window and sets its TTL; without, counts the members from the
-- cutoff (ZCOUNT) and leaves the older ones for the next trim (the writer trims each article every few
-- seconds; readers count from the cutoff too). A set past the cap is trimmed at once and sampled.
local function admit(zset, levelKey, level, i, n, refresh)
  local raised = false
  local adds = {}
  if level == 0 then
    -- Exact: every member goes in (the writer sends only members at or above the level it last saw).
    for j = 0, n - 1 do
      adds[#adds + 1] = ARGV[i + 2 * j + 1]
      adds[#adds + 1] = ARGV[i + 2 * j]
    end
  else
    for j = 0, n - 1 do
      local member = ARGV[i + 2 * j]
      if sample(member) >= level then
        adds[#adds + 1] = ARGV[i + 2 * j + 1]
        adds[#adds + 1] = member
      end
    end
  end
  zaddAll(zset, 'GT', adds)
  local card
  if refresh then
    redis.call('ZREMRANGEBYSCORE', zset, '-inf', '(' .. cutoff)
    card = redis.call('ZCARD', zset)
  else
    card = redis.call('ZCOUNT', zset, cutoff, '+inf')
    if card > cap then
      redis.call('ZREMRANGEBYSCORE', zset, '-inf', '(' .. cutoff)
      card = redis.call('ZCARD', zset)
    end
  end
  if card > cap then
    -- One pass: the lowest level that keeps at most cap members, and those below it removed with a few
    -- ZREMs of many members (one ZREM per member was most of a busy article's Redis time when it rose).
    local members = redis.call('ZRANGE', zset, 0, -1)
    local bySample, kept = {}, 0
    for _, member in ipairs(members) do
      local s = sample(member)
      if s >= level then
        bySample[s] = (bySample[s] or 0) + 1
        kept = kept + 1
      end
    end
    while kept > cap do
      kept = kept - (bySample[level] or 0)
      level = level + 1
      raised = true
    end
    local gone = {}
    for _, member in ipairs(members) do
      if sample(member) < level then
        gone[#gone + 1] = member
      end
    end
    for from = 1, #gone, CHUNK do
      redis.call('ZREM', zset, unpack(gone, from, math.min(from + CHUNK - 1, #gone)))
    end
    card = kept
  end
  if level > 0 and (raised or card * 2 > cap) then
    redis.call('SET', levelKey, level, 'EX', 120)
  end
  if refresh and card > 0 then
    redis.call('PEXPIRE', zset, SET_TTL_MS)
  end
  return card * math.pow(2, level), level
end

-- The sampling levels of the site set and of every article's set, with one MGET (a GET per article was
-- a third of the commands of a long-tail call, where nearly every article has one sighting): a first
-- pass over the arguments finds each article's keys.
local i = 5
local s = tonumber(ARGV[i])
local levelKeys = {KEYS[3]}
do
  local j, k = i + 1 + 2 * s, 7
  local count = tonumber(ARGV[j])
  j = j + 1
  for _ = 1, count do
    levelKeys[#levelKeys + 1] = KEYS[k + 1]
    j = j + 3 + 2 * tonumber(ARGV[j + 2])
    local d = tonumber(ARGV[j])
    k = k + (d > 0 and 9 or 2)
    j = j + 1 + 2 * d
  end
end
local levelValues = {}
for from = 1, #levelKeys, CHUNK do
  local part = redis.call('MGET', unpack(levelKeys, from, math.min(from + CHUNK - 1, #levelKeys)))
  for n = 1, #part do
    levelValues[from + n - 1] = part[n]
  end
end
local function levelAt(n)
  return tonumber(levelValues[n] or '0') or 0
end
local _, siteLevel = admit(KEYS[2], KEYS[3], levelAt(1), i + 1, s, true)
local levels = {1, siteLevel}
i = i + 1 + 2 * s

local DEPTH_MIN_TTL_MS = 86400000
local PFADD_CHUNK = 500

local function pfadd(key, visitors)
  for from = 1, #visitors, PFADD_CHUNK do
    redis.call('PFADD', key, unpack(visitors, from, math.min(#visitors, from + PFADD_CHUNK - 1)))
  end
end

-- Adds d (visitor, code) pairs from ARGV[j] to the depth HyperLogLogs KEYS[k + 1 .. k + 6].
local function depth(k, j, d)
  local parts = {{}, {}, {}, {}, {}, {}}
  for x = 0, d - 1 do
    local visitor, code = ARGV[j + 2 * x], tonumber(ARGV[j + 2 * x + 1])
    local reached = math.floor(code / 2)
    for t = 1, reached + 1 do
      table.insert(parts[t], visitor)
    end
    if code % 2 == 1 then
      table.insert(parts[6], visitor)
    end
  end
  local ttl = redis.call('PTTL', KEYS[k])
  if ttl < DEPTH_MIN_TTL_MS then
    ttl = DEPTH_MIN_TTL_MS
  end
  for t = 1, 6 do
    if #parts[t] > 0 then
      pfadd(KEYS[k + t], parts[t])
      redis.call('PEXPIRE', KEYS[k + t], ttl)
    end
  end
end

local ranking, touched = KEYS[4], KEYS[5]
local articles = tonumber(ARGV[i])
i = i + 1
local ranked, touches = {}, {}
local k = 7
for a = 1, articles do
  local base = k
  k = k + 2
  local article, refresh, n = ARGV[i], ARGV[i + 1] == '1', tonumber(ARGV[i + 2])
  local readers, level = admit(KEYS[base], KEYS[base + 1], levelAt(a + 1), i + 3, n, refresh)
  levels[#levels + 1] = level
  ranked[#ranked + 1] = readers
  ranked[#ranked + 1] = article
  touches[#touches + 1] = now
  touches[#touches + 1] = article
  i = i + 3 + 2 * n
  local d = tonumber(ARGV[i])
  if d > 0 then
    depth(base + 2, i + 1, d)
    k = k + 7
  end
  i = i + 1 + 2 * d
end
zaddAll(ranking, nil, ranked)
zaddAll(touched, nil, touches)
-- Articles nobody was seen on for 60 s leave the ranking.
for _, article in ipairs(redis.call('ZRANGEBYSCORE', touched, '-inf', '(' .. cutoff)) do
  redis.call('ZREM', ranking, article)
end
redis.call('ZREMRANGEBYSCORE', touched, '-inf', '(' .. cutoff)
if articles > 0 then
  redis.call('PEXPIRE', ranking, SET_TTL_MS)
  redis.call('PEXPIRE', touched, SET_TTL_MS)
end

local minutes = tonumber(ARGV[i])
i = i + 1
for _ = 1, minutes do
  local minute, hash, seen = ARGV[i], KEYS[k], KEYS[k + 1]
  local e = tonumber(ARGV[i + 1])
  i = i + 2
  for _ = 1, e do
    local article, visitor, seconds = ARGV[i], ARGV[i + 1], ARGV[i + 2]
    redis.call('HINCRBY', hash, article .. '\ts', seconds)
    if redis.call('SADD', seen, article .. '\t' .. visitor) == 1 then
      redis.call('HINCRBY', hash, article .. '\tv', 1)
    end
    i = i + 3
  end
  redis.call('HINCRBY', hash, '__v', 1)
  redis.call('EXPIRE', hash, 86400)
  redis.call('EXPIRE', seen, 180)
  redis.call('ZADD', KEYS[6], minute, minute)
  k = k + 2
end

redis.call('SET', KEYS[1], seq, 'EX', 86400)
return levels
