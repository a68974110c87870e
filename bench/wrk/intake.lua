-- POST /v1/forget-requests with a fresh idempotency key and an absent record id per request.
-- Env: TOKEN (admin), RUN (a tag that keeps keys unique across runs). Counts answers by status.
local run = os.getenv("RUN") or "0"
local token = os.getenv("TOKEN")
local threads = {}
counter = 0
statuses = {}  -- global: done() reads it from each thread

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"recordIds":["absent-%s-%d-%d"],"reason":"wrk intake","idempotencyKey":"wrk-%s-%d-%d"}',
    run, tid, counter, run, tid, counter)
  return wrk.format(nil, "/v1/forget-requests", nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write(string.format("status %d: %d\n", k, v)) end
end
