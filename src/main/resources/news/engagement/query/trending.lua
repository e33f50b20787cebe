-- Candidates for trending in one round trip: the articles with the most views in the window, each with
-- its views in the window and in the baseline period.
--
-- KEYS[1], KEYS[2]: temporary keys (deleted before returning); KEYS[3..]: first the window's view
--   buckets, then the baseline's hourly view buckets
-- ARGV[1]: how many of KEYS[3..] are window buckets; ARGV[2]: at most this many candidates
-- Returns a flat list: article, views in window, views in baseline, ...
local recentTmp, baseTmp = KEYS[1], KEYS[2]
local windowBuckets = tonumber(ARGV[1])
local maxCandidates = tonumber(ARGV[2])
local recentKeys, baseKeys = {}, {}
for i = 3, #KEYS do
  if i < 3 + windowBuckets then
    recentKeys[#recentKeys + 1] = KEYS[i]
  else
    baseKeys[#baseKeys + 1] = KEYS[i]
  end
end
redis.call('ZUNIONSTORE', recentTmp, #recentKeys, unpack(recentKeys))
redis.call('ZUNIONSTORE', baseTmp, #baseKeys, unpack(baseKeys))
local recent = redis.call('ZREVRANGEBYSCORE', recentTmp, '+inf', '(0', 'WITHSCORES', 'LIMIT', 0, maxCandidates)
local out = {}
for i = 1, #recent, 2 do
  out[#out + 1] = recent[i]
  out[#out + 1] = recent[i + 1]
  out[#out + 1] = redis.call('ZSCORE', baseTmp, recent[i]) or '0'
end
redis.call('DEL', recentTmp, baseTmp)
return out
