-- wrk script: GET /v1/articles/{id} over the 5 000 articles of events-longtail.lua, with the same
-- long-tailed (Zipf, s = 1) popularity: a few articles take most reads, most are read now and then.
-- Against the bare server the path is ignored and a fixed article is answered.
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

local thread_id = 0
setup = function(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end
init = function(args)
  math.randomseed(os.time() * 100 + id)
  wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
end
request = function()
  return wrk.format("GET", "/v1/articles/lt-article-" .. zipf())
end
