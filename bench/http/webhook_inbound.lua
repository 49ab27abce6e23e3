-- wrk script: POST /webhooks/<channel>/inbound, one inbound SMS per request, each with its own
-- provider id, from contacts 1..N in turn (they have no open poll, so each lands in the inbox).
-- Environment: LIAISON_WEBHOOK_SECRET (token), LIAISON_CONTACTS (N), LIAISON_WEBHOOK_PATH.
local secret = os.getenv("LIAISON_WEBHOOK_SECRET")
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
  wrk.headers["X-Liaison-Token"] = secret
end

function request()
  counter = counter + 1
  local n = (counter * 7 + (tag or 0) * 7919) % contacts
  return wrk.format(nil, path, nil, string.format(
    '{"id":"w%d-%d","from":"+49151%08d","text":"When is the next consular day?"}', tag, counter, n))
end

function done(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, errors connect %d read %d write %d timeout %d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
  io.write(string.format("latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
