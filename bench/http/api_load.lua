-- wrk script for bench/api_bench.sh. LIAISON_LOAD picks the request:
--   send     POST /v1/messages: one message to contact 1..N in turn (LIAISON_TOKEN, bearer)
--   webhook  POST LIAISON_WEBHOOK_PATH: one inbound SMS per request with its own provider id,
--            from contacts in turn (no open poll, so each lands in the inbox)
--            (LIAISON_WEBHOOK_SECRET, the channel's token)
-- LIAISON_CONTACTS: N. Each wrk thread has its own tag, so threads never repeat an id.
local load = os.getenv("LIAISON_LOAD") or "send"
local contacts = tonumber(os.getenv("LIAISON_CONTACTS") or "10000")
local path = os.getenv("LIAISON_WEBHOOK_PATH") or "/webhooks/agg/inbound"
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
  thread:set("tag", #threads)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if load == "send" then
    wrk.headers["Authorization"] = "Bearer " .. os.getenv("LIAISON_TOKEN")
  else
    wrk.headers["X-Liaison-Token"] = os.getenv("LIAISON_WEBHOOK_SECRET")
  end
end

function request()
  counter = counter + 1
  local n = (counter * 7 + (tag or 0) * 7919) % contacts
  if load == "send" then
    return wrk.format(nil, "/v1/messages", nil, string.format(
      '{"contact_id":%d,"text":"Consular day on Saturday 10:00. Bring your passport."}', n + 1))
  end
  return wrk.format(nil, path, nil, string.format(
    '{"id":"w%d-%d","from":"+49151%08d","text":"When is the next consular day?"}',
    tag or 0, counter, n))
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, errors connect %d read %d write %d timeout %d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
