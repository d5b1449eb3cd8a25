-- One wrk script for every HTTP step, driven by environment variables:
--   BENCH_KEYS=N       random connection c1..cN of tenant BENCH_TENANT per request (0: the URL's own path)
--   BENCH_METHOD, BENCH_BODY, BENCH_CONTENT_TYPE, BENCH_AUTHORIZATION   for the direct-upstream alternative
--   BENCH_API_KEY      sent as X-API-Key when set (caller security)
-- done() prints one line "BENCHJSON {...}" with throughput, errors and latency percentiles in milliseconds.
local keys = tonumber(os.getenv("BENCH_KEYS") or "0") or 0
local tenant = os.getenv("BENCH_TENANT") or "bench"
local api_key = os.getenv("BENCH_API_KEY")
if api_key and api_key ~= "" then wrk.headers["X-API-Key"] = api_key end
if os.getenv("BENCH_METHOD") then wrk.method = os.getenv("BENCH_METHOD") end
if os.getenv("BENCH_BODY") then wrk.body = os.getenv("BENCH_BODY") end
if os.getenv("BENCH_CONTENT_TYPE") then wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") end
if os.getenv("BENCH_AUTHORIZATION") then wrk.headers["Authorization"] = os.getenv("BENCH_AUTHORIZATION") end

local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

if keys > 0 then
  -- Requests are formatted once per thread, so the load generator spends its time sending, not building strings.
  local requests = {}
  function init(args)
    math.randomseed(os.time() * 1000 + (id or 0))
    for i = 1, keys do
      requests[i] = wrk.format(nil, "/v1/tenants/" .. tenant .. "/connections/c" .. i .. "/token")
    end
  end
  function request()
    return requests[math.random(keys)]
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'BENCHJSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"errors":%d,"non_2xx":%d,"timeouts":%d,' ..
    '"p50_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"max_ms":%.3f,"bytes":%d,"generator":"wrk"}\n',
    summary.requests, seconds, summary.requests / seconds, e.connect + e.read + e.write + e.timeout + e.status,
    e.status, e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, summary.bytes))
end
