// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// HttpChannel implementation: libcurl's multi_socket interface on Asio.
//
// Threads. Everything that touches libcurl runs on one strand (a CURLM handle is not
// thread-safe): the pump that starts requests, the socket readiness handlers, the curl timer,
// the completion handling and the stop sequencing. libcurl's callbacks therefore also run on
// the strand, from inside curl_multi_* calls:
//
//   CURLMOPT_SOCKETFUNCTION (fd, IN/OUT/INOUT/REMOVE)
//       -> one SocketWatch per fd: a posix::stream_descriptor that only *waits* for
//          readiness (async_wait); curl keeps owning, reading, writing and closing the fd.
//          REMOVE releases the descriptor (deregisters it, never closes); curl announces
//          REMOVE before it closes a socket, so a reused fd number never meets a stale watch.
//       readiness -> curl_multi_socket_action(fd, CSELECT_IN/OUT) -> completions -> re-arm
//   CURLMOPT_TIMERFUNCTION (ms)
//       -> one steady_timer; a generation number makes superseded waits no-ops
//       expiry    -> curl_multi_socket_action(CURL_SOCKET_TIMEOUT) -> completions
//
// send() and stats() run on any thread and share the queues and counters with the strand
// under `mu`, which is never held while calling libcurl or the listener. The listener is
// called on the strand only, under `listener_mu` (so the destructor can wait out a call in
// progress and detach it).
//
// Lifetime. Impl is shared: every pending handler holds it. ~HttpChannel detaches the listener
// and posts a teardown (abort every transfer); the last handler to finish destroys Impl, whose
// destructor releases the descriptors before libcurl closes the sockets.
#include "channels/http/http_channel.h"

#include <utility>  // before Asio

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <curl/curl.h>

#include <algorithm>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "channels/smpp/token_bucket.h"
#include "sms/encoding.h"
#include "util/log.h"

namespace liaison::gateway::http {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

std::string_view sendStatusName(SendStatus status) {
  switch (status) {
    case SendStatus::Queued: return "queued";
    case SendStatus::QueueFull: return "queue_full";
    case SendStatus::InvalidMessage: return "invalid_message";
    case SendStatus::DuplicateRef: return "duplicate_ref";
    case SendStatus::Stopped: return "stopped";
  }
  return "unknown";
}

std::string_view failureKindName(FailureKind kind) {
  switch (kind) {
    case FailureKind::ConnectionFailed: return "connection_failed";
    case FailureKind::Throttled: return "throttled";
    case FailureKind::Unavailable: return "unavailable";
    case FailureKind::Rejected: return "rejected";
    case FailureKind::InvalidRequest: return "invalid_request";
  }
  return "unknown";
}

namespace {

constexpr std::size_t kMaxE164Digits = 15;
constexpr std::size_t kMaxRetryAfterBytes = 64;

std::once_flag g_curl_init;

void initCurlOnce() {
  std::call_once(g_curl_init, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed");
    }
  });
}

// "+4915112345678" or "4915112345678" -> digits; empty when not 1-15 digits.
std::string e164Digits(std::string_view in) {
  if (!in.empty() && in.front() == '+') in.remove_prefix(1);
  if (in.empty() || in.size() > kMaxE164Digits) return {};
  for (char c : in) {
    if (c < '0' || c > '9') return {};
  }
  return std::string(in);
}

// A queued message and what send() learned about its text.
struct Pending {
  OutboundMessage message;
  std::string digits;
  bool gsm7 = true;
};

// One fd libcurl asked us to watch.
struct SocketWatch {
  SocketWatch(const asio::any_io_executor& ex, curl_socket_t s) : descriptor(ex), fd(s) {}
  asio::posix::stream_descriptor descriptor;
  curl_socket_t fd;
  int what = 0;  // CURL_POLL_IN / OUT / INOUT
  bool reading = false;
  bool writing = false;
  bool removed = false;
};

// One request in flight.
struct Transfer {
  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    if (headers) curl_slist_free_all(headers);
  }
  Pending pending;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;
  std::string retry_after;
  std::size_t max_body = 0;
  std::size_t header_bytes = 0;
  std::size_t max_header_bytes = 0;
  bool truncated = false;          // the body went over max_body
  bool headers_too_large = false;  // the headers went over max_header_bytes
};

std::string_view transportCode(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return "dns_failed";
    case CURLE_COULDNT_CONNECT: return "connect_failed";
    case CURLE_OPERATION_TIMEDOUT: return "connect_timeout";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS: return "tls_failed";
    case CURLE_UNSUPPORTED_PROTOCOL: return "protocol_refused";
    case CURLE_URL_MALFORMAT: return "bad_url";
    default: return "transport_failed";
  }
}

bool isConfigError(CURLcode rc) {
  return rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT ||
         rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CERTPROBLEM;
}

size_t onBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * n;
  if (t->body.size() + bytes > t->max_body) {
    t->body.append(data, t->max_body - t->body.size());
    t->truncated = true;
    return 0;  // CURLE_WRITE_ERROR: stop reading
  }
  t->body.append(data, bytes);
  return bytes;
}

size_t onHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * n;
  t->header_bytes += bytes;
  if (t->header_bytes > t->max_header_bytes) {
    t->headers_too_large = true;
    return 0;
  }
  std::string_view line(data, bytes);
  constexpr std::string_view kRetryAfter = "retry-after:";
  if (line.rfind("HTTP/", 0) == 0) {
    t->retry_after.clear();  // a new response (after a 1xx)
  } else if (line.size() > kRetryAfter.size() &&
             equalsIgnoreCase(line.substr(0, kRetryAfter.size()), kRetryAfter)) {
    line.remove_prefix(kRetryAfter.size());
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' ')) {
      line.remove_suffix(1);
    }
    t->retry_after = std::string(line.substr(0, kMaxRetryAfterBytes));
  }
  return bytes;
}

std::unique_ptr<Profile> makeProfile(const HttpChannelConfig& config) {
  if (const auto* k = std::get_if<KannelProfileConfig>(&config.profile)) {
    return makeKannelProfile(*k);
  }
  return makeJsonProfile(std::get<JsonProfileConfig>(config.profile));
}

}  // namespace

struct HttpChannel::Impl : std::enable_shared_from_this<HttpChannel::Impl> {
  Impl(asio::io_context& ioc, HttpChannelConfig cfg, HttpChannelListener& l)
      : config(std::move(cfg)),
        profile(makeProfile(config)),
        strand(asio::make_strand(ioc)),
        listener(&l),
        bucket(config.requests_per_second,
               config.burst > 0 ? config.burst : std::max(1.0, config.requests_per_second / 20)),
        window(config.max_in_flight),
        curl_timer(strand),
        pump_timer(strand),
        drain_timer(strand) {
    if (config.max_in_flight == 0 || config.max_queued == 0 || config.max_queued_priority == 0 ||
        config.max_response_bytes == 0 || config.max_segments_per_message == 0) {
      throw std::invalid_argument("http channel: limits must be positive");
    }
    initCurlOnce();
    multi = curl_multi_init();
    if (!multi) throw std::runtime_error("curl_multi_init failed");
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::socketCallback);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::timerCallback);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
  }

  ~Impl() {
    destroying = true;
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, nullptr);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, nullptr);
    // Deregister while the fds are still open, then let libcurl close them.
    for (auto& [fd, watch] : sockets) release(*watch);
    sockets.clear();
    for (auto& [easy, transfer] : active) curl_multi_remove_handle(multi, easy);
    active.clear();
    curl_multi_cleanup(multi);
  }

  // ---- libcurl callbacks (on the strand, from inside curl_multi_* calls) ----

  static int socketCallback(CURL*, curl_socket_t s, int what, void* userp, void*) {
    return static_cast<Impl*>(userp)->onCurlSocket(s, what);
  }

  static int timerCallback(CURLM*, long timeout_ms, void* userp) {
    return static_cast<Impl*>(userp)->onCurlTimer(timeout_ms);
  }

  int onCurlSocket(curl_socket_t s, int what) {
    const auto it = sockets.find(s);
    if (what == CURL_POLL_REMOVE) {
      if (it != sockets.end()) {
        release(*it->second);
        sockets.erase(it);
      }
      return 0;
    }
    if (destroying) return 0;
    std::shared_ptr<SocketWatch> watch;
    if (it == sockets.end()) {
      watch = std::make_shared<SocketWatch>(strand, s);
      error_code ec;
      watch->descriptor.assign(s, ec);
      if (ec) {
        log::error("http_channel.socket_watch_failed",
                   {{"channel", config.name}, {"error", ec.message()}});
        return -1;  // libcurl fails the transfer
      }
      sockets.emplace(s, watch);
    } else {
      watch = it->second;
    }
    watch->what = what;
    arm(watch);
    return 0;
  }

  int onCurlTimer(long timeout_ms) {
    ++timer_generation;
    if (destroying) return 0;
    if (timeout_ms < 0) {
      curl_timer.cancel();
      return 0;
    }
    curl_timer.expires_after(std::chrono::milliseconds(timeout_ms));
    curl_timer.async_wait(asio::bind_executor(
        strand, [self = shared_from_this(), generation = timer_generation](const error_code& ec) {
          if (ec || generation != self->timer_generation || self->destroying) return;
          int running = 0;
          curl_multi_socket_action(self->multi, CURL_SOCKET_TIMEOUT, 0, &running);
          self->afterAction();
        }));
    return 0;
  }

  static void release(SocketWatch& watch) {
    watch.removed = true;
    if (watch.descriptor.is_open()) watch.descriptor.release();  // never closes: curl owns fd
  }

  void arm(const std::shared_ptr<SocketWatch>& watch) {
    using Wait = asio::posix::descriptor_base::wait_type;
    if ((watch->what & CURL_POLL_IN) && !watch->reading) {
      watch->reading = true;
      watch->descriptor.async_wait(
          Wait::wait_read,
          asio::bind_executor(strand, [self = shared_from_this(), watch](const error_code& ec) {
            watch->reading = false;
            self->onReady(watch, ec, CURL_CSELECT_IN);
          }));
    }
    if ((watch->what & CURL_POLL_OUT) && !watch->writing) {
      watch->writing = true;
      watch->descriptor.async_wait(
          Wait::wait_write,
          asio::bind_executor(strand, [self = shared_from_this(), watch](const error_code& ec) {
            watch->writing = false;
            self->onReady(watch, ec, CURL_CSELECT_OUT);
          }));
    }
  }

  void onReady(const std::shared_ptr<SocketWatch>& watch, const error_code& ec, int direction) {
    if (watch->removed || destroying || ec == asio::error::operation_aborted) return;
    const int wanted = direction == CURL_CSELECT_IN ? CURL_POLL_IN : CURL_POLL_OUT;
    if (!ec && !(watch->what & wanted)) return;  // curl stopped caring meanwhile
    int running = 0;
    curl_multi_socket_action(multi, watch->fd, ec ? CURL_CSELECT_ERR : direction, &running);
    // After an error libcurl fails or re-announces the socket; re-arming could spin.
    if (!watch->removed && !ec) arm(watch);
    afterAction();
  }

  // ---- sending ----

  void schedulePump() {
    {
      std::lock_guard lock(mu);
      if (pump_posted) return;
      pump_posted = true;
    }
    asio::post(strand, [self = shared_from_this()] {
      {
        std::lock_guard lock(self->mu);
        self->pump_posted = false;
      }
      self->pump();
    });
  }

  void armPumpTimer(Clock::time_point at) {
    if (pump_timer_armed && pump_timer_at <= at) return;
    pump_timer_armed = true;
    pump_timer_at = at;
    pump_timer.expires_at(at);
    pump_timer.async_wait(
        asio::bind_executor(strand, [self = shared_from_this()](const error_code& ec) {
          if (ec) return;  // re-armed or cancelled
          self->pump_timer_armed = false;
          self->pump();
        }));
  }

  // Starts requests while the window, the rate and any Retry-After pause allow.
  void pump() {
    if (destroying || finished) return;
    for (;;) {
      std::unique_lock lock(mu);
      if (!started || stopping || active.size() >= window) return;
      if (priority_queue.empty() && bulk_queue.empty()) return;
      const auto now = Clock::now();
      if (paused_until > now) {
        lock.unlock();
        armPumpTimer(paused_until);
        return;
      }
      if (const auto wait = bucket.tryTake(now); wait > Clock::duration::zero()) {
        lock.unlock();
        armPumpTimer(now + wait);
        return;
      }
      auto& queue = priority_queue.empty() ? bulk_queue : priority_queue;
      Pending next = std::move(queue.front());
      queue.pop_front();
      ++requests;
      ++in_flight;
      lock.unlock();
      startTransfer(std::move(next));
    }
  }

  void startTransfer(Pending pending) {
    const MessageFields fields{pending.message.ref,
                               pending.digits,
                               pending.message.text,
                               pending.gsm7,
                               pending.message.request_receipt,
                               pending.message.validity};
    ProviderRequest request;
    std::string_view reason;
    if (!profile->buildRequest(fields, &request, &reason)) {
      fail(pending.message.ref,
           SendFailure{FailureKind::InvalidRequest, false, 0, {}, "invalid_request"});
      return;
    }
    auto transfer = std::make_unique<Transfer>();
    transfer->pending = std::move(pending);
    transfer->max_body = config.max_response_bytes;
    transfer->max_header_bytes = config.max_response_header_bytes;
    transfer->easy = curl_easy_init();
    if (!transfer->easy || !configure(*transfer, request)) {
      fail(transfer->pending.message.ref,
           SendFailure{FailureKind::ConnectionFailed, true, 0, {}, "client_setup_failed"});
      return;
    }
    CURL* easy = transfer->easy;
    active.emplace(easy, std::move(transfer));
    if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
      const uint64_t ref = active[easy]->pending.message.ref;
      active.erase(easy);
      fail(ref, SendFailure{FailureKind::ConnectionFailed, true, 0, {}, "client_setup_failed"});
    }
  }

  bool configure(Transfer& t, const ProviderRequest& request) {
    CURL* e = t.easy;
    bool ok = true;
    auto set = [&ok](CURLcode rc) { ok = ok && rc == CURLE_OK; };
    set(curl_easy_setopt(e, CURLOPT_URL, request.url.c_str()));
    set(curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, config.https_only ? "https" : "http,https"));
    set(curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L));
    set(curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L));
    set(curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(config.connect_timeout.count())));
    set(curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(config.request_timeout.count())));
    set(curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L));
    set(curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L));
    if (!config.ca_file.empty()) set(curl_easy_setopt(e, CURLOPT_CAINFO, config.ca_file.c_str()));
    set(curl_easy_setopt(e, CURLOPT_PRIVATE, &t));
    set(curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &onBody));
    set(curl_easy_setopt(e, CURLOPT_WRITEDATA, &t));
    set(curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &onHeader));
    set(curl_easy_setopt(e, CURLOPT_HEADERDATA, &t));
    set(curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
                         static_cast<curl_off_t>(config.max_response_bytes)));
    set(curl_easy_setopt(e, CURLOPT_USERAGENT, "liaison-gateway"));
    if (config.reuse_connections) {
      set(curl_easy_setopt(
          e, CURLOPT_MAXAGE_CONN,
          static_cast<long>(std::max<std::int64_t>(1, config.max_connection_idle.count()))));
    } else {
      set(curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L));
    }
    if (request.method == "GET") {
      set(curl_easy_setopt(e, CURLOPT_HTTPGET, 1L));
    } else {
      set(curl_easy_setopt(e, CURLOPT_POST, 1L));
      set(curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                           static_cast<curl_off_t>(request.body.size())));
      set(curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, request.body.c_str()));
      if (request.method != "POST") {
        set(curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, request.method.c_str()));
      }
    }
    for (const auto& [name, value] : request.headers) {
      const std::string line = name + ": " + value;
      curl_slist* next = curl_slist_append(t.headers, line.c_str());
      if (!next) return false;
      t.headers = next;
    }
    // No "Expect: 100-continue" round trip before a body.
    if (curl_slist* next = curl_slist_append(t.headers, "Expect:")) t.headers = next;
    set(curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers));
    return ok;
  }

  // After every curl_multi_socket_action: collect finished transfers, start new ones.
  void afterAction() {
    CURLMsg* msg = nullptr;
    int left = 0;
    while ((msg = curl_multi_info_read(multi, &left)) != nullptr) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode rc = msg->data.result;  // msg is invalid after remove_handle
      long status = 0;
      long request_size = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_size);
      curl_multi_remove_handle(multi, easy);
      const auto it = active.find(easy);
      if (it == active.end()) continue;
      std::unique_ptr<Transfer> transfer = std::move(it->second);
      active.erase(it);
      complete(*transfer, rc, status, request_size > 0);
    }
    if (isStopping() && active.empty()) finishStop();
    pump();
  }

  bool isStopping() {
    std::lock_guard lock(mu);
    return stopping;
  }

  void complete(Transfer& t, CURLcode rc, long status, bool sent) {
    const uint64_t ref = t.pending.message.ref;
    if (rc == CURLE_FILESIZE_EXCEEDED) t.truncated = true;
    const bool have_response =
        status >= 100 && !t.headers_too_large && (rc == CURLE_OK || t.truncated);
    if (have_response) {
      const ParsedResponse r = interpretResponse(*profile, status, t.body, t.truncated,
                                                 t.retry_after, unixNow(), config.retry_after);
      const int http_status = static_cast<int>(status);
      switch (r.verdict) {
        case Verdict::Accepted: return succeed(ref, r.message_ids);
        case Verdict::Rejected:
          return fail(ref, SendFailure{FailureKind::Rejected, false, http_status, {}, r.code});
        case Verdict::Retryable:
          return fail(
              ref, SendFailure{FailureKind::Unavailable, true, http_status, r.retry_after, r.code});
        case Verdict::Throttled:
          throttle(r.retry_after, http_status);
          return fail(
              ref, SendFailure{FailureKind::Throttled, true, http_status, r.retry_after, r.code});
        case Verdict::Unknown: return unknown(ref, r.code);
      }
      return unknown(ref, "unexpected_verdict");
    }
    if (t.headers_too_large) return unknown(ref, "response_too_large");
    if (!sent) {
      const std::string_view code = transportCode(rc);
      log::warn("http_channel.connect_failed", {{"channel", config.name}, {"code", code}});
      return fail(ref, SendFailure{FailureKind::ConnectionFailed, !isConfigError(rc), 0, {}, code});
    }
    if (rc == CURLE_OK) return unknown(ref, "no_status");
    return unknown(ref, rc == CURLE_OPERATION_TIMEDOUT ? "timeout_after_send" : "connection_lost");
  }

  void throttle(std::chrono::seconds retry_after, int http_status) {
    const auto now = Clock::now();
    bucket.onThrottled(now);
    {
      std::lock_guard lock(mu);
      window = std::max<std::size_t>(1, window / 2);
      successes_since_growth = 0;
      paused_until = std::max(paused_until, now + retry_after);
      ++throttled;
    }
    log::warn("http_channel.throttled", {{"channel", config.name},
                                         {"status", std::to_string(http_status)},
                                         {"retry_after_s", std::to_string(retry_after.count())}});
  }

  void succeed(uint64_t ref, const std::vector<std::string>& ids) {
    bucket.onAccepted(Clock::now());
    {
      std::lock_guard lock(mu);
      settle(ref);
      ++submitted;
      if (window < config.max_in_flight && ++successes_since_growth >= window) {
        ++window;
        successes_since_growth = 0;
      }
    }
    notify([&](HttpChannelListener& l) { l.onSubmitted(ref, ids); });
  }

  void fail(uint64_t ref, const SendFailure& failure) {
    {
      std::lock_guard lock(mu);
      settle(ref);
      ++submit_failed;
      if (failure.kind == FailureKind::ConnectionFailed) ++connect_failed;
    }
    notify([&](HttpChannelListener& l) { l.onSubmitFailed(ref, failure); });
  }

  void unknown(uint64_t ref, std::string_view reason) {
    {
      std::lock_guard lock(mu);
      settle(ref);
      ++outcome_unknown;
    }
    log::warn("http_channel.outcome_unknown", {{"channel", config.name}, {"reason", reason}});
    notify([&](HttpChannelListener& l) { l.onOutcomeUnknown(ref, reason); });
  }

  // Under mu: the ref has its outcome.
  void settle(uint64_t ref) {
    refs.erase(ref);
    if (in_flight > 0) --in_flight;
  }

  template <typename F>
  void notify(F&& call) {
    std::lock_guard lock(listener_mu);
    if (listener) call(*listener);
  }

  std::int64_t unixNow() const {
    if (config.clock) return config.clock();
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // ---- stop ----

  void beginStop() {
    if (destroying || finished) return;
    if (active.empty()) return finishStop();
    drain_timer.expires_after(config.stop_drain_timeout);
    drain_timer.async_wait(
        asio::bind_executor(strand, [self = shared_from_this()](const error_code& ec) {
          if (ec || self->finished || self->destroying) return;
          self->abortAll();
          self->finishStop();
        }));
  }

  // Aborts every transfer and reports each: a sent request is an unknown outcome, an unsent
  // one is handed back by finishStop().
  void abortAll() {
    std::vector<std::pair<std::unique_ptr<Transfer>, bool>> aborted;
    for (auto& [easy, transfer] : active) {
      long request_size = 0;
      curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_size);
      curl_multi_remove_handle(multi, easy);
      aborted.emplace_back(std::move(transfer), request_size > 0);
    }
    active.clear();
    for (auto& [transfer, sent] : aborted) {
      if (sent) {
        unknown(transfer->pending.message.ref, "stopped_in_flight");
      } else {
        std::lock_guard lock(mu);
        if (in_flight > 0) --in_flight;
        handed_back_in_flight.push_back(std::move(transfer->pending.message));
      }
    }
  }

  void finishStop() {
    if (finished) return;
    finished = true;
    drain_timer.cancel();
    pump_timer.cancel();
    std::vector<OutboundMessage> unsent;
    {
      std::lock_guard lock(mu);
      unsent.reserve(priority_queue.size() + bulk_queue.size() + handed_back_in_flight.size());
      for (auto& m : handed_back_in_flight) unsent.push_back(std::move(m));
      for (auto& p : priority_queue) unsent.push_back(std::move(p.message));
      for (auto& p : bulk_queue) unsent.push_back(std::move(p.message));
      handed_back_in_flight.clear();
      priority_queue.clear();
      bulk_queue.clear();
      refs.clear();
      stopped = true;
      handed_back += unsent.size();
    }
    log::info("http_channel.stopped",
              {{"channel", config.name}, {"handed_back", std::to_string(unsent.size())}});
    notify([&](HttpChannelListener& l) { l.onStopped(std::move(unsent)); });
  }

  // ~HttpChannel: abort everything, report nothing.
  void teardown() {
    destroying = true;
    curl_timer.cancel();
    pump_timer.cancel();
    drain_timer.cancel();
    for (auto& [easy, transfer] : active) curl_multi_remove_handle(multi, easy);
    active.clear();
    for (auto& [fd, watch] : sockets) release(*watch);
    sockets.clear();
  }

  // Immutable after construction.
  const HttpChannelConfig config;
  const std::unique_ptr<Profile> profile;
  asio::strand<asio::io_context::executor_type> strand;

  std::mutex listener_mu;
  HttpChannelListener* listener;  // guarded by listener_mu; null once detached

  // Shared with send()/stats(), guarded by mu.
  mutable std::mutex mu;
  std::deque<Pending> priority_queue;
  std::deque<Pending> bulk_queue;
  std::unordered_set<uint64_t> refs;  // queued or in flight
  std::vector<OutboundMessage> handed_back_in_flight;
  bool started = false;
  bool stopping = false;
  bool stopped = false;
  bool pump_posted = false;
  smpp::TokenBucket bucket;  // itself thread-safe
  std::size_t window;
  std::size_t successes_since_growth = 0;
  Clock::time_point paused_until{};
  std::size_t in_flight = 0;
  uint64_t messages_queued = 0, queue_full = 0, invalid_messages = 0, requests = 0, submitted = 0,
           submit_failed = 0, throttled = 0, connect_failed = 0, outcome_unknown = 0,
           handed_back = 0;

  // Strand only.
  CURLM* multi = nullptr;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;
  std::unordered_map<curl_socket_t, std::shared_ptr<SocketWatch>> sockets;
  asio::steady_timer curl_timer;
  uint64_t timer_generation = 0;
  asio::steady_timer pump_timer;
  bool pump_timer_armed = false;
  Clock::time_point pump_timer_at{};
  asio::steady_timer drain_timer;
  bool finished = false;
  bool destroying = false;
};

HttpChannel::HttpChannel(asio::io_context& ioc, HttpChannelConfig config,
                         HttpChannelListener& listener)
    : impl_(std::make_shared<Impl>(ioc, std::move(config), listener)) {}

HttpChannel::~HttpChannel() {
  {
    std::lock_guard lock(impl_->listener_mu);
    impl_->listener = nullptr;
  }
  asio::post(impl_->strand, [impl = impl_] { impl->teardown(); });
}

void HttpChannel::start() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->started) return;
    impl_->started = true;
  }
  impl_->schedulePump();
}

SendResult HttpChannel::send(OutboundMessage message) {
  Impl& s = *impl_;
  SendResult result;
  Pending pending;
  pending.digits = e164Digits(message.destination);
  if (pending.digits.empty()) {
    std::lock_guard lock(s.mu);
    ++s.invalid_messages;
    return {SendStatus::InvalidMessage, 0, "destination is not an E.164 number"};
  }
  sms::EncodeOptions options;
  options.languages = {};
  options.max_segments = s.config.max_segments_per_message;
  const sms::AnalyzeResult analysis = sms::analyzeText(message.text, options);
  if (!analysis.ok()) {
    std::lock_guard lock(s.mu);
    ++s.invalid_messages;
    return {SendStatus::InvalidMessage, 0, sms::encodeErrorName(analysis.error)};
  }
  pending.gsm7 = analysis.info.choice.encoding == sms::Encoding::Gsm7;
  result.segments = analysis.info.segments;
  {
    std::lock_guard lock(s.mu);
    if (s.stopping || s.stopped) return {SendStatus::Stopped, 0, "channel stopped"};
    if (s.refs.count(message.ref) != 0) {
      ++s.invalid_messages;
      return {SendStatus::DuplicateRef, 0, "ref already queued or in flight"};
    }
    const bool high = message.priority == Priority::High;
    auto& queue = high ? s.priority_queue : s.bulk_queue;
    if (queue.size() >= (high ? s.config.max_queued_priority : s.config.max_queued)) {
      ++s.queue_full;
      return {SendStatus::QueueFull, 0, "queue full"};
    }
    s.refs.insert(message.ref);
    pending.message = std::move(message);
    queue.push_back(std::move(pending));
    ++s.messages_queued;
  }
  s.schedulePump();
  return result;
}

void HttpChannel::stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopping) return;
    impl_->stopping = true;
  }
  asio::post(impl_->strand, [impl = impl_] { impl->beginStop(); });
}

HttpChannelStats HttpChannel::stats() const {
  const Impl& s = *impl_;
  HttpChannelStats st;
  std::lock_guard lock(s.mu);
  st.messages_queued = s.messages_queued;
  st.queue_full = s.queue_full;
  st.invalid_messages = s.invalid_messages;
  st.requests = s.requests;
  st.submitted = s.submitted;
  st.submit_failed = s.submit_failed;
  st.throttled = s.throttled;
  st.connect_failed = s.connect_failed;
  st.outcome_unknown = s.outcome_unknown;
  st.handed_back = s.handed_back;
  st.queued = s.priority_queue.size() + s.bulk_queue.size();
  st.queued_priority = s.priority_queue.size();
  st.in_flight = s.in_flight;
  st.window = s.window;
  st.current_rate = s.config.requests_per_second > 0 ? s.bucket.currentRate() : 0;
  const auto now = Clock::now();
  if (s.paused_until > now) {
    st.paused_for = std::chrono::duration_cast<std::chrono::milliseconds>(s.paused_until - now);
  }
  st.stopping = s.stopping;
  st.stopped = s.stopped;
  return st;
}

}  // namespace liaison::gateway::http
