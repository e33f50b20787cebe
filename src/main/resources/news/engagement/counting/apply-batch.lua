-- Applies one batch of accepted events of ONE shard, atomically and at most once.
--
-- Idempotency: each batcher numbers its batches per shard and has one in flight per shard, so a
-- watermark (the last applied sequence, with that batch's result) replaces a marker per batch: a batch
-- re-sent after a reconnect or a timeout finds its sequence applied and gets the first result back.
-- Atomicity: if any command fails (a foreign key of the wrong type, out of memory), every write done so
-- far is undone before the error is returned, so a failed batch leaves nothing behind but HyperLogLog
-- registers (which cannot be removed and only ever make uniques approximate anyway).
--
-- Work: per view one field of the batch's two HMGETs (the shard's dedup generations, one call each for
-- all articles) and, when it counts, of one HSET; per counted view its visitor in two HyperLogLogs
-- (added once per article and batch); everything else is per article and batch (one HINCRBY per
-- changed counter) or per batch (the minute hash and the top buckets are read and written with one
-- HMGET/HSET and ZMSCORE/ZADD). The script's time is mostly per argument and per call, and every write is
-- also written to the AOF and the replicas.
--
-- KEYS (built by news.engagement.counting.Batch, all on one shard):
--   1 watermark, 2 minute hash, 3 dirty minutes, 4..6 five-minute top buckets of views, likes, shares,
--   7 the shard's views-per-address hash of the current dedup window (field "<article>\t<group>"),
--   8..11 the shard's dedup generations G-2..G+1 (G: ARGV 10; hashes "<article>\t<visitor>" -> ms since
--   the generation began, of the visitor's latest counted view of the article in it),
--   then per article: totals, all-time HyperLogLog, likers, five-minute HyperLogLog, one dedup key per
--   share event (in event order), then (when its views have sources) its hour source hash; last, the
--   shard's hour source hash ("traffic sources" below).
-- ARGV: 1 sequence, 2 minute (epoch s), 3 dedup window (ms), 4 probation TTL (s), 5 vouched TTL (s),
--   6 views that vouch for an article, 7 bucket TTL (s), 8 expire the top buckets (1/0), 9 views one
--   address group may add to an article per dedup window (0 = no bound), 10 G, the dedup generation
--   of the sender's estimate of Redis' clock, 11 a generation's length (ms: the window, at least 1 s),
--   then per article: id, flags (1 = refresh the TTLs), V, the V view events' visitors, A, A pairs (view
--   number 1..V, address group) for the views the bound applies to, O, O other events as (code,
--   visitor, detail) in order: s = share (detail = network), l = like, u = unlike, p = previews
--   (detail = count); then the article's sources ("traffic sources" below); last, four source bounds.
-- Returns a JSON object: views, viewsDuplicate, likes, likesDuplicate, unlikes, unlikesDuplicate,
--   shares, sharesDuplicate, previews, viewsCapped (new visitors' views past the address bound),
--   now (Redis' clock, ms: the batcher names the next call's generations by it), replayed (true when the
--   watermark already had this sequence).
local wmKey, minuteKey, dirtyKey = KEYS[1], KEYS[2], KEYS[3]
local topKeys = {views = KEYS[4], likes = KEYS[5], shares = KEYS[6]}
local addressKey = KEYS[7]
local seq = tonumber(ARGV[1])

local wm = redis.call('GET', wmKey)
if wm then
  local tab = string.find(wm, '\t', 1, true)
  if tonumber(string.sub(wm, 1, tab - 1)) >= seq then
    -- Written again, so a WAIT after this call also covers the first application's writes.
    redis.call('SET', wmKey, wm, 'KEEPTTL')
    local done = cjson.decode(string.sub(wm, tab + 1))
    done.replayed = true
    return cjson.encode(done)
  end
end

local minute = ARGV[2]
local window, probationTtl, vouchedTtl = ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local vouchViews, bucketTtl, touchBuckets = tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[8] == '1'
local maxPerAddress = tonumber(ARGV[9])
local generation, generationLength = tonumber(ARGV[10]), tonumber(ARGV[11])
-- Dedup time is Redis' own clock (as a key's TTL would be), fixed for the call: a re-sent batch never
-- gets here (the watermark answers it), and what is written is the time itself, so AOF and replicas
-- replay the same members and scores.
local time = redis.call('TIME')
local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
window = tonumber(window)

local r = {views = 0, viewsDuplicate = 0, likes = 0, likesDuplicate = 0, unlikes = 0, unlikesDuplicate = 0,
  shares = 0, sharesDuplicate = 0, previews = 0, viewsCapped = 0, now = nowMs}
local undo = {}
local function did(...)
  undo[#undo + 1] = {...}
end

-- A counter that did not exist before goes away again (so does its hash when it empties).
local function undoIncrement(key, field, d, total)
  if total == d then did('HDEL', key, field) else did('HINCRBY', key, field, -d) end
end

local NONE = {}
local COLUMNS = {'views', 'likes', 'shares', 'previews'}
local minuteFields, minuteDelta, minuteArticle = {}, {}, {}
local topDelta = {views = {}, likes = {}, shares = {}}
local function addMinute(article, column, n)
  local field = article .. '\t' .. column
  if not minuteDelta[field] then
    minuteFields[#minuteFields + 1] = field
    minuteArticle[field] = article
    minuteDelta[field] = 0
  end
  minuteDelta[field] = minuteDelta[field] + n
end

local function pfaddAll(key, visitors)
  for from = 1, #visitors, 500 do
    redis.call('PFADD', key, unpack(visitors, from, math.min(from + 499, #visitors)))
  end
end

-- Writes a hash's fields with one HSET; undone by writing the old values back (back: field, value, ...)
-- and deleting the fields that were new (fresh).
local function hsetUndoable(key, set, back, fresh)
  redis.call('HSET', key, unpack(set))
  if #back > 0 then did('HSET', key, unpack(back)) end
  if #fresh > 0 then did('HDEL', key, unpack(fresh)) end
end

-- One article's part of the call, read: its views' visitors (decided later, with the whole batch's),
-- its address groups, and its other events (shares, likes), decided here.
local function decide(article, flags, ai, ki)
  local st = {article = article, touch = flags % 2 == 1, counts = KEYS[ki], uniques = KEYS[ki + 1],
    likers = KEYS[ki + 2], bucketHll = KEYS[ki + 3], x = {views = 0, likes = 0, shares = 0, previews = 0},
    visitors = {}, at = {}}
  ki = ki + 4
  local x = st.x
  local nv = tonumber(ARGV[ai])
  st.firstView, st.nv = ai + 1, nv
  ai = ai + 1 + nv
  local na = tonumber(ARGV[ai])
  ai = ai + 1
  if na > 0 then
    st.groupOf = {}
    for j = 0, na - 1 do
      st.groupOf[tonumber(ARGV[ai + 2 * j])] = ARGV[ai + 2 * j + 1]
    end
    ai = ai + 2 * na
  end
  local no = tonumber(ARGV[ai])
  ai = ai + 1
  for e = 0, no - 1 do
    local code, visitor, detail = ARGV[ai + 3 * e], ARGV[ai + 3 * e + 1], ARGV[ai + 3 * e + 2]
    if code == 's' then
      local seen = KEYS[ki]
      ki = ki + 1
      if redis.call('SET', seen, '1', 'NX', 'PX', window) then
        did('DEL', seen)
        x.shares = x.shares + 1
        if not st.nets then
          st.nets, st.netOrder = {}, {}
        end
        if not st.nets[detail] then
          st.nets[detail] = 0
          st.netOrder[#st.netOrder + 1] = detail
        end
        st.nets[detail] = st.nets[detail] + 1
        r.shares = r.shares + 1
      else
        r.sharesDuplicate = r.sharesDuplicate + 1
      end
    elseif code == 'l' then
      if redis.call('SADD', st.likers, visitor) == 1 then
        did('SREM', st.likers, visitor)
        x.likes = x.likes + 1
        r.likes = r.likes + 1
      else
        r.likesDuplicate = r.likesDuplicate + 1
      end
    elseif code == 'u' then
      if redis.call('SREM', st.likers, visitor) == 1 then
        did('SADD', st.likers, visitor)
        x.likes = x.likes - 1
        r.unlikes = r.unlikes + 1
      else
        r.unlikesDuplicate = r.unlikesDuplicate + 1
      end
    elseif code == 'p' then
      local p = tonumber(detail)
      x.previews = x.previews + p
      r.previews = r.previews + p
    end
  end
  return st, ki, ai + 3 * no
end

-- The dedup decision of every view of the batch at once, against the shard's two current generations
-- (keys.viewSeen; a generation is the dedup window long, at least a second): one HMGET of the current
-- generation for all views, one of the previous generation for those not in it, one HSET of those that
-- count. A generation holds each visitor's latest counted view of an article in it; a view counts when
-- the latest in the current generation, else in the previous one, is older than the window. With a
-- generation as long as the window every entry of the current one is within it.
local function dedup(articles)
  local gen = math.floor(nowMs / generationLength)
  local at = gen - generation + 10
  if at < 9 or at > 11 then
    error({err = string.format('CLOCKSKEW %d Redis\' clock is not in the dedup generations the call named', nowMs)})
  end
  local current, previous = KEYS[at], KEYS[at - 1]
  local base = gen * generationLength
  local offset = string.format('%d', nowMs - base)
  -- A view counts when its visitor's latest is before these offsets, in the current and previous generation.
  local cutoff = nowMs - window
  local currentLimit, previousLimit = cutoff - base, cutoff - base + generationLength
  local fields, owner, index = {}, {}, {}
  for _, st in ipairs(articles) do
    local prefix = st.article .. '\t'
    for e = 0, st.nv - 1 do
      local n = #fields + 1
      fields[n] = prefix .. ARGV[st.firstView + e]
      owner[n], index[n] = st, e
    end
  end
  if #fields == 0 then
    return
  end
  -- Not in the current generation: candidates, checked against the previous one.
  local candidates, counted, replaced = {}, {}, {}
  for from = 1, #fields, 500 do
    local to = math.min(from + 499, #fields)
    local found = redis.call('HMGET', current, unpack(fields, from, to))
    for i = from, to do
      local before = found[i - from + 1]
      if not before then
        candidates[#candidates + 1] = i
      elseif tonumber(before) < currentLimit then
        counted[#counted + 1] = i
        replaced[i] = before
      end
    end
  end
  for from = 1, #candidates, 500 do
    local to = math.min(from + 499, #candidates)
    local names = {}
    for j = from, to do
      names[#names + 1] = fields[candidates[j]]
    end
    local found = redis.call('HMGET', previous, unpack(names))
    for j = from, to do
      local before = found[j - from + 1]
      if not before or tonumber(before) < previousLimit then
        counted[#counted + 1] = candidates[j]
      end
    end
  end
  if next(replaced) then
    -- In field order again (each loop above kept it), so each article's views stay in their order.
    table.sort(counted)
  end
  for from = 1, #counted, 500 do
    local to = math.min(from + 499, #counted)
    local set, fresh, back = {}, {}, {}
    for j = from, to do
      local i = counted[j]
      local f = fields[i]
      set[#set + 1] = f
      set[#set + 1] = offset
      if replaced[i] then
        back[#back + 1] = f
        back[#back + 1] = replaced[i]
      else
        fresh[#fresh + 1] = f
      end
    end
    hsetUndoable(current, set, back, fresh)
  end
  if #counted > 0 then
    -- The same absolute time from every call: the generation is needed until the next one ends.
    redis.call('PEXPIREAT', current, string.format('%d', base + 2 * generationLength + 1000))
  end
  -- In each article's view order, as the address bound and the sources expect.
  for _, i in ipairs(counted) do
    local st = owner[i]
    local c = #st.visitors + 1
    st.visitors[c] = ARGV[st.firstView + index[i]]
    st.at[c] = index[i] + 1
  end
  for _, st in ipairs(articles) do
    local c = #st.visitors
    st.x.views = c
    r.views = r.views + c
    r.viewsDuplicate = r.viewsDuplicate + st.nv - c
    if st.groupOf then
      st.byAddress, st.addressOrder = {}, {}
      for i = 1, c do
        local group = st.groupOf[st.at[i]]
        if group then
          if not st.byAddress[group] then
            st.byAddress[group] = {}
            st.addressOrder[#st.addressOrder + 1] = group
          end
          table.insert(st.byAddress[group], i)
        end
      end
    end
  end
end

-- The bound per address group and article in the window, for every article of the batch at once (one
-- HMGET and one HSET of the shard's window hash): views past it do not count, their visitors stay seen.
local function boundAddresses(articles)
  local fields, owners = {}, {}
  for _, st in ipairs(articles) do
    for _, group in ipairs(st.addressOrder or NONE) do
      fields[#fields + 1] = st.article .. '\t' .. group
      owners[#owners + 1] = {st, st.byAddress[group]}
    end
  end
  if #fields == 0 or maxPerAddress == 0 then
    return
  end
  for from = 1, #fields, 500 do
    local to = math.min(from + 499, #fields)
    local old = redis.call('HMGET', addressKey, unpack(fields, from, to))
    local set = {}
    for i = from, to do
      local before = old[i - from + 1]
      local st, positions = owners[i][1], owners[i][2]
      local added = #positions
      local total = (tonumber(before) or 0) + added
      set[#set + 1] = fields[i]
      set[#set + 1] = total
      if before then did('HSET', addressKey, fields[i], before) else did('HDEL', addressKey, fields[i]) end
      local excess = math.min(added, total - maxPerAddress)
      if excess > 0 then
        st.dropped = st.dropped or {}
        for k = added - excess + 1, added do
          st.dropped[positions[k]] = true
        end
        st.x.views = st.x.views - excess
        r.views = r.views - excess
        r.viewsCapped = r.viewsCapped + excess
      end
    end
    redis.call('HSET', addressKey, unpack(set))
  end
  redis.call('PEXPIRE', addressKey, 2 * tonumber(window))
end

-- One article's coalesced counters, HyperLogLogs and TTLs.
local function write(st)
  local x, counts, article = st.x, st.counts, st.article
  local visitors = st.visitors
  if st.dropped then
    local kept = {}
    for i, v in ipairs(visitors) do
      if not st.dropped[i] then kept[#kept + 1] = v end
    end
    visitors = kept
  end
  local viewsTotal
  for _, col in ipairs(COLUMNS) do
    local d = x[col]
    if d ~= 0 then
      local total = redis.call('HINCRBY', counts, col, d)
      undoIncrement(counts, col, d, total)
      if col == 'views' then
        viewsTotal = total
      end
      addMinute(article, col, d)
      if topDelta[col] then
        topDelta[col][article] = (topDelta[col][article] or 0) + d
      end
    end
  end
  for _, net in ipairs(st.netOrder or NONE) do
    local total = redis.call('HINCRBY', counts, 'share:' .. net, st.nets[net])
    undoIncrement(counts, 'share:' .. net, st.nets[net], total)
  end
  if #visitors > 0 then
    pfaddAll(st.uniques, visitors)
    pfaddAll(st.bucketHll, visitors)
  end

  -- TTLs: set when this batcher first writes the article in a bucket (touch), when the totals are new,
  -- and when the article leaves probation; never per event.
  local created = viewsTotal ~= nil and viewsTotal == x.views
  local vouched = viewsTotal ~= nil and viewsTotal >= vouchViews and viewsTotal - x.views < vouchViews
  if st.touch or created or vouched then
    viewsTotal = viewsTotal or tonumber(redis.call('HGET', counts, 'views') or '0')
    local ttl = viewsTotal >= vouchViews and vouchedTtl or probationTtl
    redis.call('EXPIRE', counts, ttl)
    redis.call('EXPIRE', st.uniques, ttl)
    redis.call('EXPIRE', st.likers, ttl)
    redis.call('EXPIRE', st.bucketHll, math.min(ttl, bucketTtl))
  end
  return viewsTotal
end

-- The minute hash: cumulative "<article>\t<column>" fields, and per changed article "<article>\t~" = the
-- version of the last batch that changed it (the flusher writes only articles changed since its last
-- flush, "__f"). "__v" counts the minute's batches and never goes back, also across a retirement: the
-- flusher retires a minute ClickHouse has (history/ack-flush.lua) into a tombstone that keeps "__v" and
-- the generation "__g" and marks "__gone". A late batch that finds the tombstone starts generation
-- __g + 1 from zero, which ClickHouse stores as a row of its own and the view adds to the earlier ones:
-- a late batch adds to history, it never replaces a whole minute with its part.
-- Every write is undone by writing the old value back (or deleting a field that was new).
local function writeMinute()
  if #minuteFields == 0 then
    return
  end
  local meta = redis.call('HMGET', minuteKey, '__v', '__g', '__gone')
  local version = (tonumber(meta[1]) or 0) + 1
  local generation = tonumber(meta[2]) or 0
  if meta[3] then
    -- The tombstone's TTL must not take the new generation before ClickHouse has it.
    generation = generation + 1
    local ttl = redis.call('PTTL', minuteKey)
    redis.call('HDEL', minuteKey, '__gone')
    did('HSET', minuteKey, '__gone', meta[3])
    if ttl > 0 then
      redis.call('PERSIST', minuteKey)
      did('PEXPIRE', minuteKey, ttl)
    end
  end
  local absolute = {__v = version, __g = generation}
  local fields = {'__v', '__g'}
  local changed = {}
  for _, f in ipairs(minuteFields) do
    fields[#fields + 1] = f
    local article = minuteArticle[f]
    if not changed[article] then
      changed[article] = true
      local mark = article .. '\t~'
      fields[#fields + 1] = mark
      absolute[mark] = version
    end
  end
  -- Undone in bulk: the old values written back with one HSET, the new fields removed with one HDEL.
  for from = 1, #fields, 500 do
    local to = math.min(from + 499, #fields)
    local old = redis.call('HMGET', minuteKey, unpack(fields, from, to))
    local set, back, fresh = {}, {}, {}
    for i = from, to do
      local f = fields[i]
      local before = old[i - from + 1]
      set[#set + 1] = f
      set[#set + 1] = absolute[f] or ((tonumber(before) or 0) + minuteDelta[f])
      if before then
        back[#back + 1] = f
        back[#back + 1] = before
      else
        fresh[#fresh + 1] = f
      end
    end
    hsetUndoable(minuteKey, set, back, fresh)
  end
  if redis.call('ZADD', dirtyKey, minute, minute) == 1 then
    did('ZREM', dirtyKey, minute)
  end
end

local function writeTop(metric)
  local key, delta = topKeys[metric], topDelta[metric]
  local members = {}
  for article in pairs(delta) do
    members[#members + 1] = article
  end
  if #members == 0 then
    return
  end
  for from = 1, #members, 500 do
    local to = math.min(from + 499, #members)
    local old = redis.call('ZMSCORE', key, unpack(members, from, to))
    local add, back, fresh = {}, {}, {}
    for i = from, to do
      local m = members[i]
      local before = old[i - from + 1]
      add[#add + 1] = (tonumber(before) or 0) + delta[m]
      add[#add + 1] = m
      if before then
        back[#back + 1] = before
        back[#back + 1] = m
      else
        fresh[#fresh + 1] = m
      end
    end
    redis.call('ZADD', key, unpack(add))
    if #back > 0 then did('ZADD', key, unpack(back)) end
    if #fresh > 0 then did('ZREM', key, unpack(fresh)) end
  end
  if touchBuckets then
    redis.call('EXPIRE', key, bucketTtl)
  end
end

-- ---- traffic sources (news.engagement.sources, docs/sources.md) -----------------------------------
-- Trailing ARGV: sources kept per article and hour, per shard and hour, TTL (s) of the hour hashes, and
-- the batch's five-minute slot in its hour (0..11). Trailing KEYS: the shard's hour source hash. Per
-- article, after its events: 'D' when every view is direct, else m (distinct sources of its views), the
-- m labels "medium:source", and each view event's label number (1..m, 0 none) joined by ',' ('' when all
-- are the first); when m > 0 one more KEY after its share dedup keys: its hour source hash. An hour hash
-- holds per source and five-minute slot "<label>@<slot>" (its views), and per slot "#@<slot>" the number
-- of sources the slot keeps.
-- A counted view (not a duplicate, not past the address bound) adds 1 to its source: per article and
-- batch one HINCRBY per distinct source, and a minute-hash field "<article>\ts:<label>" (written with
-- the other minute fields); per shard and batch one HINCRBY per distinct source into the site's hash.
-- Direct views, the most common source, are implicit per article: neither the article's hour hash nor
-- the minute hash has a field for them, and readers count as direct the article's views (its top sets,
-- its minute row) that no source field claims, so a direct view costs the article no command of its own.
local SOURCE_ARGS = 4
local sourceCap, siteSourceCap = tonumber(ARGV[#ARGV - 3]), tonumber(ARGV[#ARGV - 2])
local sourceTtl, sourceSlot = tonumber(ARGV[#ARGV - 1]), ARGV[#ARGV]
-- The most common source is implicit in the minute hash: the flusher counts as direct the views no
-- source field claims (history/MinuteHash), so a direct view costs the minute no field of its own.
local DIRECT = 'direct:direct'
local siteSources, siteSourceOrder = {}, {}

local function readSources(st, ai, ki)
  if ARGV[ai] == 'D' then
    st.allDirect = true
    return ai + 1, ki
  end
  local m = tonumber(ARGV[ai])
  if m == 0 then
    return ai + 1, ki
  end
  st.labels = {}
  for i = 1, m do
    st.labels[i] = ARGV[ai + i]
  end
  local perView = ARGV[ai + m + 1]
  if perView ~= '' then
    st.labelOf = {}
    for index in string.gmatch(perView, '%d+') do
      st.labelOf[#st.labelOf + 1] = tonumber(index)
    end
  end
  st.sourceKey = KEYS[ki]
  return ai + m + 2, ki + 1
end

local function bump(key, field, n)
  local total = redis.call('HINCRBY', key, field, n)
  undoIncrement(key, field, n, total)
  return total
end

-- Adds n to a source's five-minute slot of a capped hour hash: one HINCRBY of "<label>@<slot>" (the
-- hour's count is the sum of its slots, summed by the reader). A source new in the slot is counted in
-- "#@<slot>"; one that would pass the cap is counted as "<medium>:other" (direct and the "other"s are
-- never refused: at most 9 of them). Answers the label it counted under and whether the slot is new (so
-- the hash may be).
local function addSource(key, label, n, cap)
  local field = label .. '@' .. sourceSlot
  local fresh = false
  if bump(key, field, n) == n then
    local count = '#@' .. sourceSlot
    local kept = bump(key, count, 1)
    local colon = string.find(label, ':', 1, true)
    if kept > cap and label ~= DIRECT and string.sub(label, colon + 1) ~= 'other' then
      -- Taken back at once; the undo entries below cancel those of the two bumps above.
      redis.call('HINCRBY', key, count, -1)
      did('HINCRBY', key, count, 1)
      redis.call('HDEL', key, field)
      did('HINCRBY', key, field, n)
      label = string.sub(label, 1, colon) .. 'other'
      if bump(key, label .. '@' .. sourceSlot, n) == n then
        bump(key, count, 1)
      end
    end
    fresh = kept == 1
  end
  return label, fresh
end

local function addSite(label, n)
  if not siteSources[label] then
    siteSources[label] = 0
    siteSourceOrder[#siteSourceOrder + 1] = label
  end
  siteSources[label] = siteSources[label] + n
end

local function writeSources(st, viewsTotal)
  if st.allDirect and st.x.views > 0 then
    addSite(DIRECT, st.x.views)
  end
  if not st.labels or st.x.views <= 0 then
    return
  end
  local counts, order = {}, {}
  for i = 1, #st.visitors do
    if not (st.dropped and st.dropped[i]) then
      local label = st.labels[st.labelOf and st.labelOf[st.at[i]] or 1]
      if label then
        if not counts[label] then
          counts[label] = 0
          order[#order + 1] = label
        end
        counts[label] = counts[label] + 1
      end
    end
  end
  local ttl = viewsTotal >= vouchViews and vouchedTtl or probationTtl
  local vouched = viewsTotal >= vouchViews and viewsTotal - st.x.views < vouchViews
  local fresh, written = false, false
  for _, label in ipairs(order) do
    local n = counts[label]
    local kept = DIRECT
    if label ~= DIRECT then
      local new
      kept, new = addSource(st.sourceKey, label, n, sourceCap)
      fresh, written = fresh or new, true
      addMinute(st.article, 's:' .. kept, n)
    end
    addSite(kept, n)
  end
  if written and (fresh or st.touch or vouched) then
    redis.call('EXPIRE', st.sourceKey, math.min(ttl, sourceTtl))
  end
end

local function writeSiteSources()
  if #siteSourceOrder == 0 then
    return
  end
  local key = KEYS[#KEYS]
  local fresh = touchBuckets
  for _, label in ipairs(siteSourceOrder) do
    fresh = select(2, addSource(key, label, siteSources[label], siteSourceCap)) or fresh
  end
  if fresh then
    redis.call('EXPIRE', key, sourceTtl)
  end
end

local function body()
  local ai, ki = 12, 12
  local articles = {}
  while ai <= #ARGV - SOURCE_ARGS do
    local st
    st, ki, ai = decide(ARGV[ai], tonumber(ARGV[ai + 1]), ai + 2, ki)
    ai, ki = readSources(st, ai, ki)
    articles[#articles + 1] = st
  end
  dedup(articles)
  boundAddresses(articles)
  for _, st in ipairs(articles) do
    writeSources(st, write(st))
  end
  writeSiteSources()
  writeMinute()
  writeTop('views')
  writeTop('likes')
  writeTop('shares')
  redis.call('SET', wmKey, seq .. '\t' .. cjson.encode(r), 'EX', 86400)
end

local ok, err = pcall(body)
if not ok then
  for i = #undo, 1, -1 do
    redis.pcall(unpack(undo[i]))
  end
  local message = type(err) == 'table' and (err.err or cjson.encode(err)) or tostring(err)
  return redis.error_reply('BATCH_FAILED ' .. message)
end
return cjson.encode(r)
