-- wrk script: POST /v1/messages, one message per request, to contacts 1..N in turn.
-- Each wrk thread starts at its own offset so concurrent requests name different contacts.
-- Environment: LIAISON_TOKEN (bearer), LIAISON_CONTACTS (N).
local token = os.getenv("LIAISON_TOKEN")
local contacts = tonumber(os.getenv("LIAISON_CONTACTS") or "10000")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end

function init(args)
  counter = offset or 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  counter = counter + 1
  local id = (counter % contacts) + 1
  return wrk.format(nil, "/v1/messages",
    nil, '{"contact_id":' .. id .. ',"text":"Consular day on Saturday 10:00. Bring your passport."}')
end


function done(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, errors connect %d read %d write %d timeout %d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
