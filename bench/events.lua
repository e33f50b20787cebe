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
  return wrk.format(nil, "/v1/events", nil, body)
end
