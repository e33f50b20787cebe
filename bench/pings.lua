-- wrk script: one ping per request, as the page script sends them (every 15 s of an active, visible
-- reader): a reader drawn from 20 000 per thread and run, on one of 300 articles, engaged 1..15 s,
-- depth 0..100. At 10 000 pings/s that is about 150 000 people reading at once.
local thread_id = 0
setup = function(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
end
init = function(args)
  math.randomseed(os.time() * 100 + id)
  prefix = string.format("p%x%x", math.random(0, 0x7fffffff), id)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
  wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
end
request = function()
  local reader = math.random(0, 19999)
  local body = '{"type":"ping","article":"bench-article-' .. (reader % 300) .. '","vid":"' .. prefix .. '-' .. reader
    .. '","engaged":' .. math.random(1, 15) .. ',"depth":' .. math.random(0, 100) .. '}'
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format(nil, "/v1/events", headers, body)
end
