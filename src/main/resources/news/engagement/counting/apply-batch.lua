-- Applies one batch of accepted events atomically, at most once per batch id.
-- A batch re-sent (Lettuce replays commands after a reconnect; the batcher retries after a timeout)
-- finds its marker and returns the first run's result without touching anything.
--
-- ARGV: batchId, nowMillis, dedupWindowMillis, then groups of four: code, article, visitor, detail
--   code v = view, p = previews (visitor unused, detail = how many), l = like, u = unlike,
--        s = share (detail = network)
-- Returns: {views counted, views duplicate, likes counted, likes duplicate, unlikes counted,
--           unlikes duplicate, shares counted, shares duplicate, previews counted}
-- Key names follow news.engagement.counting.Keys.
local P = 'eng:'
local marker = P .. 'batch:' .. ARGV[1]
local done = redis.call('GET', marker)
if done then
  return cjson.decode(done)
end

local now = tonumber(ARGV[2])
local window = ARGV[3]
local nowSec = math.floor(now / 1000)
local minute = nowSec - nowSec % 60
local day = math.floor(nowSec / 86400)
local buckets = {
  {'5m', nowSec - nowSec % 300, 3 * 3600},
  {'1h', nowSec - nowSec % 3600, 9 * 86400},
  {'1d', nowSec - nowSec % 86400, 32 * 86400},
}

local result = {0, 0, 0, 0, 0, 0, 0, 0, 0}
local delta = {}   -- article -> {views, likes, shares, previews, uniques, nets = {network -> n}}
local order = {}
local function d(article)
  local x = delta[article]
  if not x then
    x = {views = 0, likes = 0, shares = 0, previews = 0, uniques = 0, nets = {}, visitors = {}}
    delta[article] = x
    order[#order + 1] = article
  end
  return x
end

for i = 4, #ARGV, 4 do
  local code, article, visitor, detail = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local tag = '{' .. article .. '}'
  if code == 'v' then
    if redis.call('SET', P .. 'dv:' .. tag .. ':' .. visitor, '1', 'NX', 'PX', window) then
      local x = d(article)
      x.views = x.views + 1
      x.visitors[#x.visitors + 1] = visitor
      if redis.call('PFADD', P .. 'ud:' .. tag .. ':' .. day, visitor) == 1 then
        x.uniques = x.uniques + 1
      end
      result[1] = result[1] + 1
    else
      result[2] = result[2] + 1
    end
  elseif code == 'p' then
    local n = tonumber(detail)
    local x = d(article)
    x.previews = x.previews + n
    result[9] = result[9] + n
  elseif code == 'l' then
    if redis.call('SADD', P .. 'l:' .. tag, visitor) == 1 then
      local x = d(article)
      x.likes = x.likes + 1
      result[3] = result[3] + 1
    else
      result[4] = result[4] + 1
    end
  elseif code == 'u' then
    if redis.call('SREM', P .. 'l:' .. tag, visitor) == 1 then
      local x = d(article)
      x.likes = x.likes - 1
      result[5] = result[5] + 1
    else
      result[6] = result[6] + 1
    end
  elseif code == 's' then
    if redis.call('SET', P .. 'ds:' .. tag .. ':' .. detail .. ':' .. visitor, '1', 'NX', 'PX', window) then
      local x = d(article)
      x.shares = x.shares + 1
      x.nets[detail] = (x.nets[detail] or 0) + 1
      result[7] = result[7] + 1
    else
      result[8] = result[8] + 1
    end
  end
end

-- Coalesced writes: one increment per article and counter, whatever the number of events.
local minuteKey = P .. 'm:' .. minute
local touchedTop = {}
local function top(metric, article, n)
  for _, b in ipairs(buckets) do
    local key = P .. 't:' .. metric .. ':' .. b[1] .. ':' .. b[2]
    redis.call('ZINCRBY', key, n, article)
    touchedTop[key] = b[3]
  end
end

local changed = false
for _, article in ipairs(order) do
  local x = delta[article]
  local counts = P .. 'a:{' .. article .. '}'
  for _, col in ipairs({'views', 'likes', 'shares', 'previews'}) do
    local n = x[col]
    if n ~= 0 then
      redis.call('HINCRBY', counts, col, n)
      redis.call('HINCRBY', minuteKey, article .. '\t' .. col, n)
      changed = true
      if col ~= 'previews' then
        top(col, article, n)
      end
    end
  end
  for net, n in pairs(x.nets) do
    redis.call('HINCRBY', counts, 'share:' .. net, n)
  end
  -- The all-time HyperLogLog needs no answer per visitor: one PFADD per article, in chunks that
  -- stay well inside Lua's limit on unpacked values.
  for from = 1, #x.visitors, 500 do
    redis.call('PFADD', P .. 'u:{' .. article .. '}', unpack(x.visitors, from, math.min(from + 499, #x.visitors)))
  end
  if x.uniques > 0 then
    top('uniques', article, x.uniques)
    redis.call('EXPIRE', P .. 'ud:{' .. article .. '}:' .. day, 2 * 86400)
  end
end

if changed then
  redis.call('HINCRBY', minuteKey, '__v', 1)
  redis.call('ZADD', P .. 'm:dirty', minute, minute)
end
for key, ttl in pairs(touchedTop) do
  redis.call('EXPIRE', key, ttl)
end

redis.call('SET', marker, cjson.encode(result), 'EX', 3600)
return result
