-- POST /v1/predict with the body in the file named by BODY (one vector or a batch). Env: TOKEN.
local f = assert(io.open(os.getenv("BODY"), "r"))
local body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

local threads = {}
bad = 0  -- global: done() reads it from each thread
function setup(thread) table.insert(threads, thread) end
function response(status, headers, b) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("non-200 answers: %d\n", total))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("latency p%s: %.3f ms\n", p, latency:percentile(p) / 1000))
  end
end
