-- wrk script: one view event per request, each from a new visitor id, as pages send them.
-- Visitor ids carry a random prefix per thread and run, so a second run is not all duplicates.
local counter = 0
local thread_id = 0
setup = function(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end
init = function(args)
  math.randomseed(os.time() * 100 + id)
  prefix = string.format("b%x%x", math.random(0, 0x7fffffff), id)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
  wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
end
request = function()
  counter = counter + 1
  local article = "bench-article-" .. (counter % 500)
  local body = '{"type":"view","article":"' .. article .. '","vid":"' .. prefix .. '-' .. counter .. '"}'
  -- Readers come from many addresses (through a trusted proxy), as a site's do: the per-address bound
  -- on views (MAX_VIEWS_PER_ADDRESS) is then what real traffic meets, not what one address would.
  local from = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end   -- wrk.format's headers replace wrk.headers
  headers["X-Forwarded-For"] = from
  return wrk.format(nil, "/v1/events", headers, body)
end
