-- wrk script: one view event per request from a new visitor each time, over 5 000 articles whose
-- popularity is long-tailed (Zipf, s = 1: the first article is read twice as often as the second, ...),
-- as a news site's traffic is. Used by scripts/bench.sh for Redis cost per counted view.
local articles, s = 5000, 1.0
local cdf = {}
local total = 0
for k = 1, articles do total = total + 1 / k ^ s; cdf[k] = total end
for k = 1, articles do cdf[k] = cdf[k] / total end
local function zipf()
  local u, lo, hi = math.random(), 1, articles
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return lo
end

local counter = 0
local thread_id = 0
setup = function(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end
init = function(args)
  math.randomseed(os.time() * 100 + id)
  prefix = string.format("l%x%x", math.random(0, 0x7fffffff), id)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
  wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
end
request = function()
  counter = counter + 1
  local body = '{"type":"view","article":"lt-article-' .. zipf() .. '","vid":"' .. prefix .. '-' .. counter .. '"}'
  -- Readers come from many addresses (through a trusted proxy), as a site's do: the per-address bound
  -- on views (MAX_VIEWS_PER_ADDRESS) is then what real traffic meets, not what one address would.
  local from = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end   -- wrk.format's headers replace wrk.headers
  headers["X-Forwarded-For"] = from
  return wrk.format(nil, "/v1/events", headers, body)
end
