// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Daemon lifecycle:
//   validate what config validation cannot (TLS, channel tenants) -> open store -> bootstrap
//   admin token -> build the parts (API, sync, inbound pipelines, webhooks, dispatchers) ->
//   one route table -> bind HTTP -> start dispatchers -> run the io_context on N threads
//   signal 1: stop accepting HTTP, stop dispatchers (unbind, flush outcomes), wait for open
//             connections to finish; after shutdown_grace, force-stop the io_context
//   signal 2: force-stop at once
//
// Every part is built before anything is started, so a part that cannot be built (a route
// collision, a bad channel setting) stops start-up with a log line that says what to fix and
// nothing has been sent or bound.
#include "daemon.h"

#include <utility>  // before Asio

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "api/auth.h"
#include "api/device_routes.h"
#include "api/http_server.h"
#include "api/rest_api.h"
#include "api/router.h"
#include "channels/http/webhooks.h"
#include "channels/smpp/smpp_channel.h"
#include "console/console.h"
#include "liaison/sync/assert.h"
#include "outreach/delivery_reports.h"
#include "outreach/dispatcher.h"
#include "outreach/http_channel_config.h"
#include "outreach/inbound_processor.h"
#include "outreach/send_window.h"
#include "store/sqlite_campaign_store.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_outbox_store.h"
#include "store/sqlite_response_store.h"
#include "store/sqlite_store.h"
#include "sync/sync_service.h"
#include "util/group_commit.h"
#include "util/log.h"
#include "util/metrics.h"

namespace liaison::gateway {

namespace asio = boost::asio;
namespace gsync = liaison::gateway::sync;
namespace chttp = liaison::gateway::http;

namespace {

std::int64_t unixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Webhook requests per inbound group commit, and waiting at most (then 503, retried later).
constexpr std::size_t kInboundGroupRequests = 1'000;
constexpr std::size_t kInboundPendingRequests = 20'000;

// One tenant's inbound pipeline: its own processor (keywords, reply texts, region) over the
// shared store. Used only with the store mutex held.
struct TenantPipeline {
  std::string tenant_id;
  std::unique_ptr<outreach::InboundProcessor> processor;
};

api::HttpResponse textResponse(int status, std::string content_type, std::string body) {
  api::HttpResponse r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

// Everything the daemon runs, in construction order (destroyed in reverse).
class Gateway {
 public:
  Gateway(const config::Config& config, asio::io_context& ioc) : config_(config), ioc_(ioc) {}

  // Builds every part; false (logged) when one cannot be built.
  bool build();
  // Binds HTTP and starts the dispatchers; false (logged) when HTTP cannot be bound.
  bool start();
  // Stops accepting and stops the dispatchers; `done` runs once every dispatcher has stopped.
  void stop(std::function<void()> done);
  std::size_t connectionCount() const { return server_ ? server_->connectionCount() : 0; }
  uint16_t port() const { return server_ ? server_->port() : 0; }

 private:
  bool openStore();
  bool bootstrapAdminToken();
  void buildInbound();
  bool buildDispatchers();
  std::unique_ptr<store::SqliteOutboxStore> tenantOutbox(const std::string& tenant);
  std::vector<api::Route> webhookRoutes();
  std::vector<api::Route> operatorRoutes();
  std::error_code storeInbound(const outreach::InboundMessage& message);
  struct InboundJob {
    std::vector<chttp::InboundSms> records;
    std::function<void(std::error_code)> done;
  };
  void commitInbound(std::vector<InboundJob>& jobs);
  void wakeDispatchers();
  void sampleMetrics();
  void housekeeping();
  bool anyChannelBound() const;

  const config::Config& config_;
  asio::io_context& ioc_;

  std::unique_ptr<store::SqliteStore> db_;
  std::mutex store_mu_;  // every access to db_, by every part
  std::unique_ptr<store::SqliteContactStore> contacts_;
  std::unique_ptr<store::SqliteCampaignStore> campaigns_;
  std::unique_ptr<store::SqliteResponseStore> responses_;
  std::unique_ptr<store::SqliteOutboxStore> outbox_;

  metrics::Registry registry_;
  std::unique_ptr<metrics::GatewayMetrics> metrics_;

  std::unique_ptr<api::RestApi> rest_;
  std::unique_ptr<gsync::SyncService> sync_;
  std::map<std::string, TenantPipeline, std::less<>> pipelines_;  // by tenant id
  std::vector<std::unique_ptr<chttp::WebhookEndpoint>> webhooks_;

  struct Account {
    std::string name;    // "smpp:<name>" or "http:<name>", the metrics' channel label
    std::string tenant;  // whose rows it sends, and whose MOs arrive here (SMPP)
    bool http = false;   // an HTTP aggregator: no binds
    // The ledger as this account sees it: claims only its tenant's rows. Before the
    // dispatcher, which uses it.
    std::unique_ptr<store::SqliteOutboxStore> outbox;
    std::unique_ptr<outreach::Dispatcher> dispatcher;
    outreach::DispatcherStats last;  // for counter deltas
    uint64_t last_reconnects = 0;
  };
  std::vector<std::unique_ptr<Account>> accounts_;

  // Webhook inbound records, committed in groups; destroyed (its last group committed) before
  // the dispatchers it wakes and after the endpoints whose requests it answers.
  std::unique_ptr<util::GroupCommitter<InboundJob>> inbound_group_;
  std::unique_ptr<api::HttpServer> server_;
  std::unique_ptr<asio::steady_timer> sampler_;
  std::unique_ptr<asio::steady_timer> housekeeper_;
  std::atomic<bool> wake_pending_{false};
};

bool Gateway::openStore() {
  const std::string& dir = config_.server.data_dir;
  std::error_code fs_ec;
  std::filesystem::create_directories(dir, fs_ec);
  if (fs_ec) {
    log::error("store.data_dir_failed",
               {{"dir", dir},
                {"reason", fs_ec.message()},
                {"hint", "choose a writable [server] data_dir or --data-dir"}});
    return false;
  }
  const std::string db_path = (std::filesystem::path(dir) / "liaison.db").string();
  try {
    db_ = store::SqliteStore::open(db_path);
  } catch (const std::exception& e) {
    log::error("store.open_failed", {{"path", db_path}, {"reason", e.what()}});
    return false;
  }
  log::info("store.opened",
            {{"path", db_path}, {"schema_version", std::to_string(db_->schemaVersion())}});
  store::Database& db = db_->database();
  contacts_ = std::make_unique<store::SqliteContactStore>(db);
  campaigns_ = std::make_unique<store::SqliteCampaignStore>(db);
  responses_ = std::make_unique<store::SqliteResponseStore>(db);
  outbox_ = std::make_unique<store::SqliteOutboxStore>(db);
  return true;
}

// [api] bootstrap_admin_token: on a store without any admin token, one with this value is
// created, so a fresh installation can be reached without a shell on the machine.
bool Gateway::bootstrapAdminToken() {
  if (!config_.api.bootstrap_admin_token) return true;
  const std::string& value = config_.api.bootstrap_admin_token->reveal();
  // A token in the printable form keeps its id; any other value gets an id derived from it
  // (api::bootstrapTokenId), which is how the authenticator finds it.
  std::string_view printable_id;
  const std::string id = api::parseToken(value, &printable_id) ? std::string(printable_id)
                                                               : api::bootstrapTokenId(value);
  std::lock_guard lock(store_mu_);
  api::SqliteTokenStore tokens(db_->database());
  const std::string tenant = config_.tenants.front().id;
  for (const auto& t : config_.tenants) {
    std::vector<api::TokenRecord> existing;
    if (auto ec = tokens.list(t.id, 0, "", 1000, &existing)) {
      log::error("api.bootstrap_failed", {{"reason", ec.message()}});
      return false;
    }
    for (const auto& r : existing) {
      if (r.role == api::Role::Admin && !r.revoked_at) return true;  // already bootstrapped
    }
  }
  api::TokenRecord record;
  record.id = id;
  record.tenant_id = tenant;
  record.name = "bootstrap admin";
  record.role = api::Role::Admin;
  record.secret_hash = api::sha256(value);
  record.prefix = "lia_" + record.id;
  record.created_at = unixSeconds();
  if (auto ec = tokens.insert(record)) {
    log::error("api.bootstrap_failed",
               {{"reason", ec.message()},
                {"hint", "the bootstrap token may already exist under another tenant"}});
    return false;
  }
  log::info("api.bootstrap_token_created",
            {{"tenant", tenant}, {"origin", config_.api.bootstrap_admin_token->origin()}});
  return true;
}

std::unique_ptr<store::SqliteOutboxStore> Gateway::tenantOutbox(const std::string& tenant) {
  auto outbox = std::make_unique<store::SqliteOutboxStore>(db_->database());
  outbox->setClaimTenant(tenant);
  return outbox;
}

void Gateway::buildInbound() {
  store::Database& db = db_->database();
  for (const auto& t : config_.tenants) {
    TenantPipeline p;
    p.tenant_id = t.id;
    p.processor = std::make_unique<outreach::InboundProcessor>(
        db, *contacts_, *campaigns_, *responses_, *outbox_, config::inboundConfig(t));
    pipelines_.emplace(t.id, std::move(p));
  }
  inbound_group_ = std::make_unique<util::GroupCommitter<InboundJob>>(
      [this](std::vector<InboundJob>& jobs) { commitInbound(jobs); }, kInboundGroupRequests,
      kInboundPendingRequests);
}

// On the inbound group thread: the webhook records gathered while the previous group was
// being committed, processed in order and committed with one fsync. Any failure rolls the
// whole group back and every request of it answers 503, so the providers deliver again (the
// pipeline de-duplicates by provider id).
void Gateway::commitInbound(std::vector<InboundJob>& jobs) {
  std::error_code ec;
  {
    std::lock_guard lock(store_mu_);
    store::Transaction txn(db_->database());
    ec = txn.begin();
    for (const InboundJob& job : jobs) {
      for (const chttp::InboundSms& sms : job.records) {
        if (ec) break;
        outreach::InboundMessage m;
        m.tenant_id = sms.tenant_id;
        m.channel = sms.channel;
        m.provider_id = sms.provider_id;
        m.from = sms.from;
        m.text = sms.text;
        m.received_at = sms.received_at;
        ec = storeInbound(m);
      }
    }
    if (!ec) ec = txn.commit();
  }
  for (InboundJob& job : jobs) job.done(ec);
}

// Store mutex held.
std::error_code Gateway::storeInbound(const outreach::InboundMessage& message) {
  auto it = pipelines_.find(message.tenant_id);
  if (it == pipelines_.end()) return std::make_error_code(std::errc::invalid_argument);
  std::vector<outreach::InboundResult> results;
  const std::error_code ec = it->second.processor->process(std::span(&message, 1), &results);
  if (!ec && metrics_ && !results.empty()) {
    metrics_->inbound_messages.labels({message.channel, results.front().outcome}).inc();
    if (results.front().route == store::InboundRoute::Stop) {
      metrics_->opt_outs.labels({message.tenant_id}).inc();
    }
    if (results.front().replies_queued > 0) wakeDispatchers();
  }
  return ec;
}

// Replies (confirmations, next questions) were queued: have the dispatchers look now rather
// than at their next idle tick. Posted, because this runs inside a dispatcher's hook.
void Gateway::wakeDispatchers() {
  if (wake_pending_.exchange(true)) return;
  asio::post(ioc_, [this] {
    wake_pending_ = false;
    for (auto& a : accounts_) a->dispatcher->wake();
  });
}

bool Gateway::buildDispatchers() {
  // The hooks every dispatcher gets; SMPP accounts add the inbound one.
  auto commonHooks = [this](Account* raw) {
    outreach::DispatcherHooks hooks;
    // A bulk message's window, re-checked at send time: the campaign's own, else its
    // tenant's default. Called with the store mutex held.
    hooks.window = [this](std::string_view campaign_id) -> std::optional<outreach::DailyWindow> {
      std::vector<store::CampaignRecord> running;
      if (campaigns_->listRunning(&running)) return std::nullopt;
      for (const auto& c : running) {
        if (c.id != campaign_id) continue;
        const auto& proto = c.definition.schedule().window();
        outreach::DailyWindow w;
        if (proto.has_start() || proto.has_end()) {
          if (!outreach::windowFromProto(proto, &w)) return w;
        }
        if (const auto* t = config_.findTenant(c.tenant_id)) return t->sending_window;
        return std::nullopt;
      }
      return std::nullopt;
    };
    hooks.submit_latency = [this, raw](double seconds) {
      metrics_->submit_latency.labels({raw->name}).observe(seconds);
    };
    hooks.receipt_lag = [this, raw](double seconds) {
      metrics_->receipt_lag.labels({raw->name}).observe(seconds);
    };
    return hooks;
  };
  for (const auto& account : config_.smpp) {
    auto a = std::make_unique<Account>();
    a->name = "smpp:" + account.name;
    a->tenant = account.tenant;
    a->outbox = tenantOutbox(account.tenant);
    outreach::DispatcherConfig dc;
    dc.channel_name = a->name;
    Account* raw = a.get();
    outreach::DispatcherHooks hooks = commonHooks(raw);
    hooks.inbound = [this, raw](const smpp::CompletedMo& mo) {
      return storeInbound(outreach::inboundFromMo(mo, raw->tenant, raw->name, unixSeconds()));
    };
    try {
      a->dispatcher = std::make_unique<outreach::Dispatcher>(
          ioc_, *a->outbox, store_mu_, config::smppChannelConfig(account), dc, std::move(hooks));
    } catch (const std::exception& e) {
      log::error("daemon.channel_failed", {{"channel", a->name}, {"reason", e.what()}});
      return false;
    }
    accounts_.push_back(std::move(a));
  }
  // HTTP aggregators: sent through like SMPP accounts; their inbound messages and delivery
  // reports arrive by webhook (webhookRoutes), matched to rows by "http:<name>" and the
  // provider id the dispatcher recorded.
  for (const auto& channel : config_.http) {
    auto a = std::make_unique<Account>();
    a->name = "http:" + channel.name;
    a->tenant = channel.tenant;
    a->http = true;
    a->outbox = tenantOutbox(channel.tenant);
    outreach::DispatcherConfig dc;
    dc.channel_name = a->name;
    try {
      a->dispatcher = std::make_unique<outreach::Dispatcher>(
          ioc_, *a->outbox, store_mu_,
          outreach::httpChannelConfig(channel, config_.server.public_url), dc,
          commonHooks(a.get()));
    } catch (const std::exception& e) {
      log::error("daemon.channel_failed", {{"channel", a->name}, {"reason", e.what()}});
      return false;
    }
    accounts_.push_back(std::move(a));
  }
  // Each account sends only its tenant's messages (its sender id and contract are the
  // tenant's); several accounts of one tenant share its rows. A tenant without a channel
  // keeps its messages queued until one is configured.
  for (const auto& t : config_.tenants) {
    const bool served = std::any_of(accounts_.begin(), accounts_.end(),
                                    [&](const auto& a) { return a->tenant == t.id; });
    if (!served && !accounts_.empty()) {
      log::warn("daemon.tenant_without_channel",
                {{"tenant", t.id},
                 {"note", "no SMPP account or HTTP channel sends for this tenant: its messages "
                          "stay queued until one is configured"}});
    }
  }
  return true;
}

std::vector<api::Route> Gateway::webhookRoutes() {
  std::vector<api::Route> routes;
  for (const auto& h : config_.http) {
    chttp::WebhookConfig wc;
    wc.tenant_id = h.tenant;
    wc.channel = "http:" + h.name;
    wc.format = h.profile == config::HttpProfile::Kannel ? chttp::WebhookFormat::Kannel
                                                         : chttp::WebhookFormat::Json;
    wc.auth.mode = h.webhook_auth == config::WebhookAuth::Token
                       ? chttp::WebhookAuthMode::Token
                       : chttp::WebhookAuthMode::HmacSha256;
    wc.auth.secret = h.webhook_secret.reveal();
    wc.auth.max_skew = config_.webhooks.timestamp_tolerance;
    wc.max_body_bytes = config_.webhooks.max_body_bytes;
    // Inbound records of concurrent webhook calls are committed together (commitInbound).
    auto inbound = [this](std::vector<chttp::InboundSms> batch,
                          std::function<void(std::error_code)> done) {
      InboundJob job{std::move(batch), std::move(done)};
      if (!inbound_group_->submit(job)) {
        job.done(std::make_error_code(std::errc::resource_unavailable_try_again));
      }
    };
    // Reports for messages this gateway sent through the aggregator (delivery_reports.h: by
    // provider id, or for Kannel by our ref; a report that beats its submit is refused, so
    // the provider sends it again). Final states feed send_outcomes, as receipts do over SMPP.
    auto delivery = [this](const std::vector<chttp::DeliveryReport>& batch) {
      outreach::DeliveryReportCounts counts;
      std::error_code ec;
      {
        std::lock_guard lock(store_mu_);
        ec = outreach::applyDeliveryReports(*outbox_, batch, unixSeconds(), &counts);
      }
      if (!batch.empty() && metrics_) {
        const std::string& channel = batch.front().channel;
        auto add = [&](std::string_view status, std::uint64_t n) {
          if (n > 0) metrics_->send_outcomes.labels({channel, status}).inc(n);
        };
        add(metrics::kStatusDelivered, counts.delivered);
        add(metrics::kStatusUndelivered, counts.failed);
        add(metrics::kStatusExpired, counts.expired);
      }
      return ec;
    };
    auto endpoint = std::make_unique<chttp::WebhookEndpoint>(std::move(wc), std::move(inbound),
                                                             std::move(delivery));
    chttp::WebhookEndpoint* ep = endpoint.get();
    webhooks_.push_back(std::move(endpoint));

    api::Route in;
    in.method = "POST";
    in.pattern = "/webhooks/" + h.name + "/inbound";
    in.access = api::RouteAccess::Custom;
    in.summary = "Inbound SMS from aggregator " + h.name + " (signed or token)";
    in.tag = "webhooks";
    in.request = api::BodyKind::Binary;
    in.handler = [ep](const api::RequestContext& ctx) { return ep->handleInbound(ctx.http); };
    routes.push_back(in);
    api::Route dlr = in;
    dlr.pattern = "/webhooks/" + h.name + "/delivery";
    dlr.summary = "Delivery reports from aggregator " + h.name + " (signed or token)";
    dlr.handler = [ep](const api::RequestContext& ctx) {
      return ep->handleDeliveryReport(ctx.http);
    };
    routes.push_back(dlr);
    if (h.profile == config::HttpProfile::Kannel) {
      // Kannel calls its sms-service and dlr-url with GET.
      api::Route in_get = routes[routes.size() - 2];
      in_get.method = "GET";
      routes.push_back(in_get);
      api::Route dlr_get = dlr;
      dlr_get.method = "GET";
      routes.push_back(dlr_get);
    }
  }
  return routes;
}

std::vector<api::Route> Gateway::operatorRoutes() {
  std::vector<api::Route> routes;
  api::Route m;
  m.method = "GET";
  m.pattern = "/metrics";
  m.access = api::RouteAccess::Public;
  m.summary = "Prometheus metrics (text format 0.0.4)";
  m.tag = "health";
  m.response = api::BodyKind::Text;
  m.handler = [this](const api::RequestContext&) {
    return textResponse(200, "text/plain; version=0.0.4; charset=utf-8",
                        registry_.renderPrometheus());
  };
  routes.push_back(std::move(m));
  if (sync_) {
    for (auto& r : api::syncEndpointRoutes(*sync_)) routes.push_back(std::move(r));
    for (auto& r : api::deviceRoutes(*sync_)) routes.push_back(std::move(r));
  }
  return routes;
}

// An SMPP account with a bind bound, or an HTTP channel started.
bool Gateway::anyChannelBound() const {
  for (const auto& a : accounts_) {
    if (a->dispatcher->channelReady()) return true;
  }
  return false;
}

bool Gateway::build() {
  if (!openStore()) return false;
  if (!bootstrapAdminToken()) return false;
  metrics_ = std::make_unique<metrics::GatewayMetrics>(metrics::registerGatewayMetrics(registry_));

  api::RestApiOptions ro;
  ro.db_path = (std::filesystem::path(config_.server.data_dir) / "liaison.db").string();
  ro.auth.requests_per_second = config_.api.rate_limit_per_second;
  ro.auth.burst = config_.api.rate_limit_burst;
  for (const auto& t : config_.tenants) {
    if (t.default_region != "ZZ") ro.tenant_regions[t.id] = t.default_region;
  }
  // Single messages (POST /v1/messages) go out at once, not at the dispatchers' next idle tick.
  ro.on_messages_queued = [this] { wakeDispatchers(); };
  rest_ = std::make_unique<api::RestApi>(db_->database(), store_mu_, ro);
  if (config_.sync.enabled) {
    gsync::SyncServiceOptions so;
    so.limits = config::batchLimits(config_.sync);
    so.max_body_bytes = config_.sync.max_request_bytes;
    sync_ = std::make_unique<gsync::SyncService>(*db_, store_mu_, so);
  }
  buildInbound();
  if (!buildDispatchers()) return false;

  api::RouterOptions router;
  router.api = rest_.get();
  router.extra_routes = operatorRoutes();
  for (auto& r : webhookRoutes()) router.extra_routes.push_back(std::move(r));
  for (auto& r : console::routes()) router.extra_routes.push_back(std::move(r));
  if (!accounts_.empty()) router.channels_ready = [this] { return anyChannelBound(); };
  api::HttpServerOptions http = config::httpServerOptions(config_.server);
  // The sync endpoint takes larger bodies than the API; each handler checks its own limit.
  if (sync_) http.body_limit = std::max(http.body_limit, config_.sync.max_request_bytes);
  try {
    server_ = std::make_unique<api::HttpServer>(
        ioc_, http, console::withTrailingSlashRedirect(api::makeRouter(*db_, router)));
  } catch (const std::exception& e) {
    log::error("daemon.routes_failed", {{"reason", e.what()}});
    return false;
  }
  return true;
}

bool Gateway::start() {
  if (auto ec = server_->start()) {
    if (ec.category() == api::httpServerCategory()) {
      log::error("http.tls_failed",
                 {{"cert", config_.server.tls_cert_file},
                  {"key", config_.server.tls_key_file},
                  {"reason", ec.message()},
                  {"hint", "give [server] tls_cert_file a PEM certificate chain and "
                           "tls_key_file its unencrypted PEM private key"}});
      return false;
    }
    log::error("http.bind_failed",
               {{"address", config_.server.address},
                {"port", std::to_string(config_.server.port)},
                {"reason", ec.message()},
                {"hint", "choose another --listen port or stop the other process using it"}});
    return false;
  }
  log::info("http.listening", {{"address", config_.server.address},
                               {"port", std::to_string(server_->port())},
                               {"scheme", config_.server.tls() ? "https" : "http"}});
  for (auto& a : accounts_) {
    if (auto ec = a->dispatcher->start()) {
      // The ledger could not be recovered: the account stays down, the rest runs; readyz
      // says not ready when no account is bound.
      log::error("dispatcher.start_failed", {{"channel", a->name}, {"reason", ec.message()}});
    }
  }
  sampler_ = std::make_unique<asio::steady_timer>(ioc_);
  housekeeper_ = std::make_unique<asio::steady_timer>(ioc_);
  sampleMetrics();
  housekeeping();
  return true;
}

// Gauges and counters derived from the parts' own statistics, once a second.
void Gateway::sampleMetrics() {
  {
    std::int64_t queued = 0;
    std::unique_lock lock(store_mu_, std::try_to_lock);
    if (lock.owns_lock() && !outbox_->countQueued(&queued)) {
      metrics_->outbox_queue_depth.labels({"all"}).set(static_cast<double>(queued));
    }
  }
  for (auto& a : accounts_) {
    const outreach::DispatcherStats s = a->dispatcher->stats();
    const smpp::SmppChannelStats cs = a->dispatcher->channelStats();
    auto add = [&](std::string_view status, std::uint64_t now_v, std::uint64_t before) {
      if (now_v > before) metrics_->send_outcomes.labels({a->name, status}).inc(now_v - before);
    };
    add(metrics::kStatusSubmitted, s.submitted, a->last.submitted);
    add(metrics::kStatusFailed, s.failed, a->last.failed);
    add(metrics::kStatusUnknown, s.unknown, a->last.unknown);
    add(metrics::kStatusDelivered, s.delivered, a->last.delivered);
    add(metrics::kStatusUndelivered, s.delivery_failed, a->last.delivery_failed);
    add(metrics::kStatusExpired, s.expired + s.delivery_expired,
        a->last.expired + a->last.delivery_expired);
    a->last = s;
    uint64_t reconnects = 0;
    for (std::size_t i = 0; i < cs.binds.size(); ++i) {
      const std::string bind = std::to_string(i);
      metrics_->smpp_bound.labels({a->name, bind}).set(cs.binds[i].bound ? 1 : 0);
      reconnects += cs.binds[i].client.disconnects;
    }
    if (reconnects > a->last_reconnects) {
      metrics_->reconnects.labels({a->name, "all"}).inc(reconnects - a->last_reconnects);
    }
    a->last_reconnects = reconnects;
    if (!a->http) {
      metrics_->smpp_in_flight.labels({a->name, "all"})
          .set(static_cast<double>(cs.in_flight_segments));
    }
  }
  sampler_->expires_after(std::chrono::seconds(1));
  sampler_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec) sampleMetrics();
  });
}

// Silent poll sessions closed once a minute, per tenant.
void Gateway::housekeeping() {
  {
    std::lock_guard lock(store_mu_);
    for (auto& [id, p] : pipelines_) {
      std::int64_t expired = 0;
      if (auto ec = p.processor->expireSilentSessions(unixSeconds(), &expired)) {
        log::warn("inbound.expire_failed", {{"tenant", id}, {"reason", ec.message()}});
      } else if (expired > 0) {
        log::info("inbound.sessions_expired",
                  {{"tenant", id}, {"sessions", std::to_string(expired)}});
      }
    }
  }
  housekeeper_->expires_after(std::chrono::seconds(60));
  housekeeper_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec) housekeeping();
  });
}

void Gateway::stop(std::function<void()> done) {
  server_->stop();
  if (sampler_) sampler_->cancel();
  if (housekeeper_) housekeeper_->cancel();
  auto remaining = std::make_shared<std::size_t>(accounts_.size());
  auto finish = std::make_shared<std::function<void()>>(std::move(done));
  if (accounts_.empty()) {
    (*finish)();
    return;
  }
  for (auto& a : accounts_) {
    a->dispatcher->stop([this, remaining, finish, name = a->name](std::error_code ec) {
      if (ec) log::warn("dispatcher.stop_error", {{"channel", name}, {"reason", ec.message()}});
      asio::post(ioc_, [remaining, finish] {
        if (--*remaining == 0) (*finish)();
      });
    });
  }
}

}  // namespace

int runDaemon(const DaemonOptions& options,
              const std::function<void(const DaemonHandle&)>& on_ready) {
  liaison::sync::setBugHandler([](const char* what, const char* file, int line) {
    log::error("bug", {{"what", what}, {"file", file}, {"line", std::to_string(line)}});
  });
  config::Config config = options.config;
  if (config.tenants.empty()) {
    config::TenantConfig t;
    t.id = "default";
    t.name = "default";
    t.languages = {t.fallback_language};
    config.tenants.push_back(std::move(t));
  }
  log::setLevel(config.log.level);
  log::info("daemon.starting", {{"config", options.config_source},
                                {"tenants", std::to_string(config.tenants.size())},
                                {"smpp_accounts", std::to_string(config.smpp.size())},
                                {"http_channels", std::to_string(config.http.size())}});

  asio::io_context ioc;
  Gateway gateway(config, ioc);
  if (!gateway.build() || !gateway.start()) return 1;

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  asio::steady_timer grace(ioc);
  asio::steady_timer drain(ioc);
  bool shutting_down = false;
  bool parts_stopped = false;
  std::function<void()> watch_drain;
  std::function<void()> begin_shutdown = [&] {
    if (shutting_down) {
      log::warn("daemon.forced_stop");
      ioc.stop();
      return;
    }
    shutting_down = true;
    log::info("daemon.stopping",
              {{"grace_ms", std::to_string(config.server.shutdown_grace.count())}});
    gateway.stop([&] { parts_stopped = true; });
    grace.expires_after(config.server.shutdown_grace);
    grace.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) {
        log::warn("daemon.grace_expired");
        ioc.stop();
      }
    });
    watch_drain();
  };
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        log::info("daemon.signal", {{"signal", signo == SIGINT ? "SIGINT" : "SIGTERM"}});
        begin_shutdown();
        signals.async_wait(on_signal);  // a second signal forces
      };
  signals.async_wait(on_signal);

  // Once stopping: poll until the dispatchers have stopped and no connection is left, then
  // cancel the timers and signals so run() returns on its own.
  watch_drain = [&] {
    drain.expires_after(std::chrono::milliseconds(50));
    drain.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      if (parts_stopped && gateway.connectionCount() == 0) {
        grace.cancel();
        signals.cancel();
        return;
      }
      watch_drain();
    });
  };

  if (on_ready) {
    DaemonHandle handle;
    handle.port = gateway.port();
    handle.stop = [&ioc, &begin_shutdown] {
      asio::post(ioc, [&begin_shutdown] { begin_shutdown(); });
    };
    on_ready(handle);
  }

  // The store, the dispatchers' strands and the HTTP sessions run on a small pool: a slow
  // SQLite commit on one thread does not stall SMPP keep-alives on the other.
  const int threads = std::max(1, options.io_threads);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  log::info("daemon.stopped");
  return 0;
}

}  // namespace liaison::gateway
