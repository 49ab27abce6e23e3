// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The HTTP aggregator channel and its webhooks. Profiles and webhook parsers are pure and are
// tested as tables; the channel runs real libcurl over real sockets on 127.0.0.1 against the
// project's HttpServer playing the aggregator (accepting, refusing, throttling), a socket that
// never answers (the unknown outcome), a closed port (the retryable connection failure) and a
// TLS server with a certificate made by openssl at test time (trusted and untrusted CA). The
// webhooks are called as the router will call them, HttpRequest in, HttpResponse out.
#include "channels/http/http_channel.h"

#include <gtest/gtest.h>

#include <utility>  // before Asio

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "api/http_server.h"
#include "channels/http/json_profile.h"
#include "channels/http/kannel_profile.h"
#include "channels/http/webhooks.h"
#include "child_process.h"
#include "temp_dir.h"

namespace liaison::gateway::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using namespace std::chrono_literals;
using tcp = asio::ip::tcp;

constexpr auto kWait = 20s;
constexpr char kDestination[] = "4915112345678";
constexpr char kSecretText[] = "Poll question: where do you vote?";
constexpr char kPassword[] = "kannel-password-xyz";
constexpr char kToken[] = "webhook-token-0123456789";

// ---- Harness -------------------------------------------------------------------------------

// An io_context run by `n` threads until destruction.
class IoThreads {
 public:
  explicit IoThreads(int n) : guard_(asio::make_work_guard(ioc_)) {
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  ~IoThreads() {
    guard_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
  }
  asio::io_context& ioc() { return ioc_; }

 private:
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

struct Outcome {
  enum Kind { Submitted, Failed, Unknown } kind = Submitted;
  std::vector<std::string> ids;
  SendFailure failure;
  std::string reason;
};

// The owner as a test double: records outcomes and checks the listener contract (one call at
// a time, one outcome per ref).
class Recorder : public HttpChannelListener {
 public:
  void onSubmitted(uint64_t ref, std::span<const std::string> ids) override {
    Outcome o;
    o.kind = Outcome::Submitted;
    o.ids.assign(ids.begin(), ids.end());
    record(ref, std::move(o));
  }
  void onSubmitFailed(uint64_t ref, const SendFailure& failure) override {
    Outcome o;
    o.kind = Outcome::Failed;
    o.failure = failure;
    record(ref, std::move(o));
  }
  void onOutcomeUnknown(uint64_t ref, std::string_view reason) override {
    Outcome o;
    o.kind = Outcome::Unknown;
    o.reason = std::string(reason);
    record(ref, std::move(o));
  }
  void onStopped(std::vector<OutboundMessage> unsent) override {
    enter();
    std::lock_guard lock(mu_);
    stopped_ = true;
    unsent_ = std::move(unsent);
    leave();
    cv_.notify_all();
  }

  bool waitOutcomes(std::size_t n, std::chrono::milliseconds timeout = kWait) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return outcomes_.size() >= n; });
  }
  bool waitStopped(std::chrono::milliseconds timeout = kWait) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return stopped_; });
  }
  std::optional<Outcome> outcome(uint64_t ref) {
    std::lock_guard lock(mu_);
    const auto it = outcomes_.find(ref);
    if (it == outcomes_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<uint64_t> order() {
    std::lock_guard lock(mu_);
    return order_;
  }
  std::vector<OutboundMessage> unsent() {
    std::lock_guard lock(mu_);
    return unsent_;
  }
  bool contractViolated() const { return violated_; }

 private:
  void enter() {
    if (in_call_.exchange(true)) violated_ = true;
  }
  void leave() { in_call_ = false; }
  void record(uint64_t ref, Outcome o) {
    enter();
    {
      std::lock_guard lock(mu_);
      if (stopped_ || !outcomes_.emplace(ref, std::move(o)).second) violated_ = true;
      order_.push_back(ref);
    }
    leave();
    cv_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<uint64_t, Outcome> outcomes_;
  std::vector<uint64_t> order_;
  std::vector<OutboundMessage> unsent_;
  bool stopped_ = false;
  std::atomic<bool> in_call_{false};
  std::atomic<bool> violated_{false};
};

// The project's HttpServer playing the aggregator: records requests, answers with `respond`.
class FakeAggregator {
 public:
  using Respond = std::function<api::HttpResponse(const api::HttpRequest&)>;
  explicit FakeAggregator(Respond respond, int threads = 2)
      : io_(threads),
        respond_(std::move(respond)),
        server_(io_.ioc(), {}, [this](const api::HttpRequest& r) { return handle(r); }) {
    const std::error_code ec = server_.start();
    if (ec) throw std::runtime_error("server start: " + ec.message());
  }
  // Waits (bounded) for the connections to close before the threads go: a session whose close
  // never ran would keep the server alive (it holds the server, the server holds it).
  ~FakeAggregator() {
    server_.stop();
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (server_.connectionCount() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
  }

  uint16_t port() const { return server_.port(); }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }
  std::vector<api::HttpRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  bool waitRequests(std::size_t n, std::chrono::milliseconds timeout = kWait) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
  }

 private:
  api::HttpResponse handle(const api::HttpRequest& r) {
    {
      std::lock_guard lock(mu_);
      requests_.push_back(r);
    }
    cv_.notify_all();
    return respond_(r);
  }

  IoThreads io_;
  Respond respond_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<api::HttpRequest> requests_;
  api::HttpServer server_;
};

api::HttpResponse respond(int status, std::string body,
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
  api::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

// Accepts connections and reads whatever comes, never answering.
class BlackHole {
 public:
  BlackHole() : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~BlackHole() {
    ioc_.stop();
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::size_t bytesRead() const { return bytes_; }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      auto socket = std::make_shared<tcp::socket>(std::move(s));
      sockets_.push_back(socket);
      read(socket);
      accept();
    });
  }
  void read(const std::shared_ptr<tcp::socket>& socket) {
    socket->async_read_some(asio::buffer(buf_),
                            [this, socket](boost::system::error_code ec, std::size_t n) {
                              if (ec) return;
                              bytes_ += n;
                              read(socket);
                            });
  }

  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<tcp::socket>> sockets_;
  std::array<char, 4096> buf_{};
  std::atomic<std::size_t> bytes_{0};
  std::thread thread_;
};

// A port nothing listens on (bound, read back, closed).
uint16_t closedPort() {
  asio::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const uint16_t port = a.local_endpoint().port();
  a.close();
  return port;
}

std::string findProgram(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t pos = 0;
  while (pos <= dirs.size()) {
    const std::size_t colon = dirs.find(':', pos);
    const std::string dir = dirs.substr(pos, colon == std::string::npos ? colon : colon - pos);
    const std::filesystem::path candidate = std::filesystem::path(dir) / name;
    if (!dir.empty() && std::filesystem::exists(candidate)) return candidate.string();
    if (colon == std::string::npos) break;
    pos = colon + 1;
  }
  return {};
}

// A self-signed certificate for 127.0.0.1 made by the openssl tool.
bool makeCertificate(const std::string& cert, const std::string& key) {
  const std::string openssl = findProgram("openssl");
  if (openssl.empty()) return false;
  testing::ChildProcess p({openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                           "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                           "-days", "2", "-subj", "/CN=liaison-test", "-addext",
                           "subjectAltName=IP:127.0.0.1,DNS:localhost"});
  return p.started() && p.wait(30s) == 0;
}

// A small TLS HTTP server: one connection at a time, answers 200 {"id":"tls-1"} and closes.
class TlsServer {
 public:
  TlsServer(const std::string& cert, const std::string& key)
      : ssl_(asio::ssl::context::tls_server),
        acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    ssl_.use_certificate_chain_file(cert);
    ssl_.use_private_key_file(key, asio::ssl::context::pem);
    accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TlsServer() {
    ioc_.stop();
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int served() const { return served_; }
  int handshakeFailures() const { return handshake_failures_; }

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      serve(std::move(s));
      accept();
    });
  }
  // Synchronous on the server's own thread; a receive timeout bounds a stalled peer.
  void serve(tcp::socket socket) {
    timeval tv{5, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    asio::ssl::stream<tcp::socket&> stream(socket, ssl_);
    boost::system::error_code ec;
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (ec) {
      ++handshake_failures_;
      return;
    }
    beast::flat_buffer buffer;
    beast::http::request<beast::http::string_body> req;
    beast::http::read(stream, buffer, req, ec);
    if (ec) return;
    beast::http::response<beast::http::string_body> res{beast::http::status::ok, 11};
    res.set(beast::http::field::content_type, "application/json");
    res.keep_alive(false);
    res.body() = R"({"id":"tls-1"})";
    res.prepare_payload();
    beast::http::write(stream, res, ec);
    ++served_;
    socket.close(ec);
  }

  asio::io_context ioc_;
  asio::ssl::context ssl_;
  tcp::acceptor acceptor_;
  std::atomic<int> served_{0};
  std::atomic<int> handshake_failures_{0};
  std::thread thread_;
};

JsonProfileConfig jsonProfile(const std::string& url) {
  JsonProfileConfig p;
  p.url = url;
  p.headers = {{"Authorization", "Bearer api-key-123"}};
  p.body_template = R"({"to":"{{to_e164}}","from":"{{from}}","text":"{{text}}","ref":"{{ref}}"})";
  p.from = "Consulate";
  p.message_id_pointer = "/id";
  return p;
}

HttpChannelConfig channelConfig(std::variant<KannelProfileConfig, JsonProfileConfig> profile) {
  HttpChannelConfig c;
  c.name = "http:test";
  c.profile = std::move(profile);
  c.connect_timeout = 5s;
  c.request_timeout = 10s;
  return c;
}

OutboundMessage message(uint64_t ref, std::string text = kSecretText,
                        Priority priority = Priority::Bulk) {
  OutboundMessage m;
  m.ref = ref;
  m.destination = std::string("+") + kDestination;
  m.text = std::move(text);
  m.priority = priority;
  return m;
}

std::string queryValue(const std::string& target, const std::string& name) {
  const std::size_t q = target.find('?');
  std::vector<FormField> fields;
  if (q == std::string::npos || parseForm(target.substr(q + 1), {}, &fields)) return "<bad>";
  const FormField* f = findField(fields, name);
  return f ? f->value : "<missing>";
}

// ---- Shared codecs -------------------------------------------------------------------------

TEST(HttpProfileCodecs, UrlEncodingRoundTrips) {
  EXPECT_EQ(urlEncode("a b&c=d/é+~"), "a%20b%26c%3Dd%2F%C3%A9%2B~");
  std::string out;
  ASSERT_TRUE(urlDecode("a+b%20c%2B%c3%a9", true, &out));
  EXPECT_EQ(out, "a b c+é");
  ASSERT_TRUE(urlDecode("a+b", false, &out));
  EXPECT_EQ(out, "a+b");
  EXPECT_FALSE(urlDecode("%4", true, &out));
  EXPECT_FALSE(urlDecode("%zz", true, &out));
  EXPECT_FALSE(urlDecode("abc%", true, &out));
}

TEST(HttpProfileCodecs, FormParsingIsBounded) {
  std::vector<FormField> fields;
  ASSERT_FALSE(parseForm("a=1&&b=x+y&flag&=v", {}, &fields));
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[1].value, "x y");
  EXPECT_EQ(fields[2].name, "flag");
  EXPECT_EQ(fields[2].value, "");
  EXPECT_EQ(findField(fields, "b")->value, "x y");
  EXPECT_EQ(findField(fields, "zz"), nullptr);

  WebhookLimits limits;
  limits.max_fields = 2;
  EXPECT_EQ(parseForm("a=1&b=2&c=3", limits, &fields).code, "too_many_fields");
  limits = {};
  limits.max_value_bytes = 4;
  const ParseError e = parseForm("a=12345", limits, &fields);
  EXPECT_EQ(e.code, "field_too_large");
  EXPECT_EQ(e.http_status, 413);
  EXPECT_EQ(parseForm("a=%G0", {}, &fields).code, "bad_encoding");
}

TEST(HttpProfileCodecs, RetryAfterSecondsAndDates) {
  const std::int64_t now = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(parseRetryAfter("120", now), 120s);
  EXPECT_EQ(parseRetryAfter(" 7 ", now), 7s);
  EXPECT_EQ(parseRetryAfter("Sun, 06 Nov 1994 08:50:07 GMT", now), 30s);
  EXPECT_EQ(parseRetryAfter("Sun, 06 Nov 1994 08:49:00 GMT", now), 0s);  // in the past
  EXPECT_EQ(parseRetryAfter("99999999999999", now)->count(), 2147483647);
  EXPECT_FALSE(parseRetryAfter("", now));
  EXPECT_FALSE(parseRetryAfter("-5", now));
  EXPECT_FALSE(parseRetryAfter("soon", now));
  EXPECT_FALSE(parseRetryAfter("Sun, 06 Foo 1994 08:49:37 GMT", now));
  EXPECT_FALSE(parseRetryAfter("Sun, 31 Feb 1994 08:49:37 GMT", now));
}

TEST(HttpProfileCodecs, TextDecoding) {
  std::string out;
  ASSERT_TRUE(utf16beToUtf8(std::string("\x04\x1f\x04\x40\x00\x20\xd8\x3d\xde\x00", 10), &out));
  EXPECT_EQ(out, "Пр 😀");
  EXPECT_FALSE(utf16beToUtf8(std::string("\x04", 1), &out));              // odd length
  EXPECT_FALSE(utf16beToUtf8(std::string("\xd8\x3d\x00\x41", 4), &out));  // lone high
  EXPECT_FALSE(utf16beToUtf8(std::string("\xde\x00", 2), &out));          // lone low
  EXPECT_EQ(latin1ToUtf8("caf\xe9"), "café");
  EXPECT_TRUE(isValidUtf8("Здравствуйте 😀"));
  EXPECT_FALSE(isValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xe2\x82"));          // truncated
}

TEST(HttpProfileCodecs, Timestamps) {
  EXPECT_EQ(parseTimestamp("1796173042"), 1796173042);
  EXPECT_EQ(parseTimestamp("1796173042123"), 1796173042);  // milliseconds
  EXPECT_EQ(parseTimestamp("2026-12-01T10:00:00Z"), 1796119200);
  EXPECT_EQ(parseTimestamp("2026-12-01 12:00:00.250+02:00"), 1796119200);
  EXPECT_EQ(parseTimestamp("2026-12-01T04:30:00-05:30"), 1796119200);
  EXPECT_FALSE(parseTimestamp("2026-13-01T10:00:00Z"));
  EXPECT_FALSE(parseTimestamp("2026-12-01T10:00:00"));  // no zone
  EXPECT_FALSE(parseTimestamp("12"));                   // before 2000
  EXPECT_FALSE(parseTimestamp("yesterday"));
}

// ---- Kannel profile ------------------------------------------------------------------------

KannelProfileConfig kannelConfig(const std::string& url) {
  KannelProfileConfig k;
  k.sendsms_url = url;
  k.username = "liaison";
  k.password = kPassword;
  k.from = "Consulate";
  k.dlr_url = "http://127.0.0.1:9/webhooks/kannel/dlr?token=abc";
  k.dlr_mask = 27;
  return k;
}

TEST(KannelProfile, BuildsTheSendsmsQuery) {
  const auto profile = makeKannelProfile(kannelConfig("http://kannel:13013/cgi-bin/sendsms"));
  MessageFields m{42, kDestination, "Hi & bye", true, true, 3600s};
  ProviderRequest r;
  std::string_view reason;
  ASSERT_TRUE(profile->buildRequest(m, &r, &reason));
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.url,
            "http://kannel:13013/cgi-bin/sendsms?username=liaison&password=kannel-password-xyz"
            "&to=%2B4915112345678&from=Consulate&text=Hi%20%26%20bye&charset=UTF-8&coding=0"
            "&validity=60&dlr-mask=27&dlr-url=http%3A%2F%2F127.0.0.1%3A9%2Fwebhooks%2Fkannel%2F"
            "dlr%3Ftoken%3Dabc%26ref%3D42%26type%3D%25d%26ts%3D%25T");

  m.gsm7 = false;
  m.request_receipt = false;
  m.validity = 0s;
  ASSERT_TRUE(profile->buildRequest(m, &r, &reason));
  EXPECT_EQ(queryValue(r.url, "coding"), "2");
  EXPECT_EQ(queryValue(r.url, "dlr-url"), "<missing>");
  EXPECT_EQ(queryValue(r.url, "validity"), "<missing>");
}

TEST(KannelProfile, BuildsThePostForm) {
  KannelProfileConfig k = kannelConfig("http://kannel:13013/cgi-bin/sendsms");
  k.use_post = true;
  const auto profile = makeKannelProfile(k);
  ProviderRequest r;
  std::string_view reason;
  ASSERT_TRUE(profile->buildRequest({7, kDestination, "Привет", false, true, 0s}, &r, &reason));
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://kannel:13013/cgi-bin/sendsms");
  EXPECT_EQ(r.body, "Привет");
  const std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
  EXPECT_EQ(h.at("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(h.at("X-Kannel-Username"), "liaison");
  EXPECT_EQ(h.at("X-Kannel-To"), "+4915112345678");
  EXPECT_EQ(h.at("X-Kannel-Coding"), "2");
  EXPECT_EQ(h.at("X-Kannel-DLR-Mask"), "27");
  EXPECT_EQ(h.at("X-Kannel-DLR-URL"),
            "http://127.0.0.1:9/webhooks/kannel/dlr?token=abc&ref=7&type=%d&ts=%T");
}

TEST(KannelProfile, RefusesUnusableConfig) {
  auto bad = [](auto mutate) {
    KannelProfileConfig k = kannelConfig("http://kannel/cgi-bin/sendsms");
    mutate(k);
    EXPECT_THROW(makeKannelProfile(k), std::invalid_argument);
  };
  bad([](KannelProfileConfig& k) { k.sendsms_url = "ftp://kannel/x"; });
  bad([](KannelProfileConfig& k) { k.username.clear(); });
  bad([](KannelProfileConfig& k) { k.dlr_url = "http://gw/dlr?token=%41"; });
  bad([](KannelProfileConfig& k) { k.dlr_mask = 64; });
  bad([](KannelProfileConfig& k) { k.password = "a\r\nb"; });
}

TEST(KannelProfile, ParsesSendsmsAnswers) {
  struct Case {
    long status;
    std::string body;
    Verdict verdict;
    std::string_view code;
  };
  const Case cases[] = {
      {202, "0: Accepted for delivery", Verdict::Accepted, "kannel_accepted"},
      {202, "3: Queued for later delivery\n", Verdict::Accepted, "kannel_queued"},
      {200, "Sent.", Verdict::Accepted, "kannel_sent"},
      {202, "<html>?</html>", Verdict::Unknown, "kannel_unparseable"},
      {403, "Authorization failed for sendsms", Verdict::Rejected, "http_4xx"},
      {400, "Missing receiver number, rejected", Verdict::Rejected, "http_4xx"},
      {500, "Sending failed.", Verdict::Retryable, "kannel_sending_failed"},
      {500, "Internal error", Verdict::Unknown, "http_5xx"},
      {302, "", Verdict::Rejected, "http_3xx"},
  };
  for (const Case& c : cases) {
    const ParsedResponse r = parseKannelSendResponse(c.status, c.body);
    EXPECT_EQ(r.verdict, c.verdict) << c.status << " " << c.body;
    EXPECT_EQ(r.code, c.code) << c.status << " " << c.body;
    EXPECT_TRUE(r.message_ids.empty());
  }
}

TEST(KannelProfile, ThrottlingIsDecidedBeforeTheProfile) {
  const auto profile = makeKannelProfile(kannelConfig("http://k/cgi-bin/sendsms"));
  const RetryAfterPolicy policy{5s, 60s};
  ParsedResponse r =
      interpretResponse(*profile, 503, "Temporal failure, try again later.", false, "", 0, policy);
  EXPECT_EQ(r.verdict, Verdict::Throttled);
  EXPECT_EQ(r.retry_after, 5s);  // the default
  r = interpretResponse(*profile, 429, "", false, "12", 0, policy);
  EXPECT_EQ(r.verdict, Verdict::Throttled);
  EXPECT_EQ(r.retry_after, 12s);
  r = interpretResponse(*profile, 429, "", false, "86400", 0, policy);
  EXPECT_EQ(r.retry_after, 60s);  // capped
  r = interpretResponse(*profile, 202, "0: Accepted for delivery", true, "", 0, policy);
  EXPECT_EQ(r.verdict, Verdict::Unknown);  // cut at the limit: cannot tell
}

TEST(KannelProfile, ParsesGetUrlInbound) {
  struct Case {
    std::string query;
    std::string text;  // expected, when ok
    std::string_view error;
  };
  const Case cases[] = {
      {"id=abc-1&from=%2B4915112345678&to=1234&ts=1796173070&coding=0&charset=UTF-8"
       "&text=STOP+please",
       "STOP please", ""},
      {"from=4915112345678&text=Hi+++there", "Hi   there", ""},
      {"from=4915112345678&coding=2&charset=UTF-16BE&text=%04%1F%04%40%048%00+%D8%3D%DE%00",
       "При 😀", ""},
      {"from=4915112345678&coding=2&text=%04%1F", "П", ""},  // UCS-2 without a charset
      {"from=4915112345678&charset=ISO-8859-1&text=caf%E9", "café", ""},
      {"from=4915112345678&text=caf%C3%A9", "café", ""},
      {"from=4915112345678&text=", "", ""},
      {"text=hello", "", "missing_from"},
      {"from=49+151&text=hello", "", "invalid_from"},
      {"from=4915112345678", "", "missing_text"},
      {"from=4915112345678&text=%C3", "", "invalid_text"},
      {"from=4915112345678&charset=UTF-16BE&text=%04", "", "invalid_text"},
      {"from=4915112345678&text=x&ts=tomorrow", "", "invalid_timestamp"},
      {"from=4915112345678&text=x&id=a%20b", "", "invalid_id"},
      {"from=4915112345678&text=%ZZ", "", "bad_encoding"},
  };
  for (const Case& c : cases) {
    ParsedInbound mo;
    const ParseError e = parseKannelMo({c.query, "", false, "", "", ""}, {}, &mo);
    EXPECT_EQ(e.code, c.error) << c.query;
    if (!e) {
      EXPECT_EQ(mo.text, c.text) << c.query;
    }
  }
  ParsedInbound mo;
  ASSERT_FALSE(parseKannelMo(
      {"id=abc-1&from=%2B4915112345678&ts=1796173070&text=x", "", false, "", "", ""}, {}, &mo));
  EXPECT_EQ(mo.provider_id, "abc-1");
  EXPECT_EQ(mo.from, "+4915112345678");
  EXPECT_EQ(mo.received_at, 1796173070);

  WebhookLimits limits;
  limits.max_text_bytes = 4;
  EXPECT_EQ(parseKannelMo({"from=1&text=hello", "", false, "", "", ""}, limits, &mo).code,
            "text_too_long");
}

TEST(KannelProfile, ParsesPostUrlInbound) {
  ParsedInbound mo;
  const std::string utf16("\x04\x1f\x04\x40\x04\x38", 6);
  ASSERT_FALSE(parseKannelMo(
      {"id=u-1", utf16, true, "text/plain; charset=\"UTF-16BE\"", "+4915112345678", "2"}, {}, &mo));
  EXPECT_EQ(mo.text, "При");
  EXPECT_EQ(mo.from, "+4915112345678");
  EXPECT_EQ(mo.provider_id, "u-1");
  ASSERT_FALSE(parseKannelMo(
      {"from=4915112345678", "hello  world", true, "text/plain; charset=\"UTF-8\"", "", "0"}, {},
      &mo));
  EXPECT_EQ(mo.text, "hello  world");
  EXPECT_EQ(parseKannelMo({"", "x", true, "text/plain", "", ""}, {}, &mo).code, "missing_from");
}

TEST(KannelProfile, ParsesDeliveryReports) {
  struct Case {
    std::string query;
    smpp::MessageState state;
    bool is_final;
    std::string_view error;
  };
  using S = smpp::MessageState;
  const Case cases[] = {
      {"token=t&ref=42&type=1&ts=1796173042", S::Delivered, true, ""},
      {"ref=42&type=2", S::Undeliverable, true, ""},
      {"ref=42&type=4", S::Enroute, false, ""},
      {"ref=42&type=8", S::Accepted, false, ""},
      {"ref=42&type=16", S::Rejected, true, ""},
      {"ref=42&type=3", S::Unrecognised, false, "invalid_type"},
      {"ref=42&type=%25d", S::Unrecognised, false, "invalid_type"},
      {"ref=42", S::Unrecognised, false, "missing_type"},
      {"type=1", S::Unrecognised, false, "missing_ref"},
      {"ref=-1&type=1", S::Unrecognised, false, "invalid_ref"},
      {"ref=99999999999999999999&type=1", S::Unrecognised, false, "invalid_ref"},
  };
  for (const Case& c : cases) {
    ParsedDelivery d;
    const ParseError e = parseKannelDlr(c.query, {}, &d);
    EXPECT_EQ(e.code, c.error) << c.query;
    if (e) continue;
    EXPECT_EQ(d.ref, 42u);
    EXPECT_EQ(d.state, c.state) << c.query;
    EXPECT_EQ(d.is_final, c.is_final) << c.query;
  }
}

// ---- JSON profile --------------------------------------------------------------------------

TEST(JsonProfile, FillsTheTemplateWithEscapedValues) {
  JsonProfileConfig c = jsonProfile("https://api.example/v1/sms?ref={{ref}}&to={{to_e164}}");
  c.headers.emplace_back("Idempotency-Key", "liaison-{{ref}}");
  c.dlr_url = "https://gw.example/dlr";
  c.body_template =
      R"({"to":"{{to}}","text":"{{text}}","meta":{"ref":"{{ref}}","cb":"{{dlr_url}}",)"
      R"("enc":"{{encoding}}","v":"{{validity_s}}"},"list":["{{from}}",1,true,null]})";
  const auto profile = makeJsonProfile(c);
  ProviderRequest r;
  std::string_view reason;
  ASSERT_TRUE(profile->buildRequest({9, kDestination, "He said \"hi\"\n\\ é", true, true, 60s}, &r,
                                    &reason));
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://api.example/v1/sms?ref=9&to=%2B4915112345678");
  EXPECT_EQ(r.body, R"({"list":["Consulate",1,true,null],"meta":{"cb":"https://gw.example/dlr",)"
                    R"("enc":"gsm7","ref":"9","v":"60"},"text":"He said \"hi\"\n\\ é",)"
                    R"("to":"4915112345678"})");
  const std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
  EXPECT_EQ(h.at("Authorization"), "Bearer api-key-123");
  EXPECT_EQ(h.at("Idempotency-Key"), "liaison-9");
  EXPECT_EQ(h.at("Content-Type"), "application/json");
}

TEST(JsonProfile, RefusesUnusableConfig) {
  auto bad = [](auto mutate) {
    JsonProfileConfig c = jsonProfile("https://api.example/sms");
    mutate(c);
    EXPECT_THROW(makeJsonProfile(c), std::invalid_argument);
  };
  bad([](JsonProfileConfig& c) { c.url = "file:///etc/passwd"; });
  bad([](JsonProfileConfig& c) { c.method = "DELETE"; });
  bad([](JsonProfileConfig& c) { c.body_template = "{not json"; });
  bad([](JsonProfileConfig& c) { c.body_template = R"({"x":"{{password}}"})"; });
  bad([](JsonProfileConfig& c) { c.url = "https://api/{{nope}}"; });
  bad([](JsonProfileConfig& c) { c.headers = {{"X-Text", "{{text}}"}}; });
  bad([](JsonProfileConfig& c) { c.headers = {{"Bad Name", "v"}}; });
  bad([](JsonProfileConfig& c) { c.message_id_pointer = "id"; });
  bad([](JsonProfileConfig& c) { c.status_pointer = "/status"; });  // no accepted_values
  bad([](JsonProfileConfig& c) { c.method = "GET"; });              // GET with a body
}

TEST(JsonProfile, ParsesResponses) {
  JsonProfileConfig c = jsonProfile("https://api.example/sms");
  c.message_id_pointer = "/messages/0/message-id";
  c.status_pointer = "/messages/0/status";
  c.accepted_values = {"0"};
  struct Case {
    long status;
    std::string body;
    Verdict verdict;
    std::vector<std::string> ids;
  };
  const Case cases[] = {
      {200,
       R"({"messages":[{"status":"0","message-id":"0A0000001"}]})",
       Verdict::Accepted,
       {"0A0000001"}},
      {200, R"({"messages":[{"status":0,"message-id":12345}]})", Verdict::Accepted, {"12345"}},
      {200,
       R"({"messages":[{"status":"4","error-text":"Bad Credentials"}]})",
       Verdict::Rejected,
       {}},
      {200, R"({"messages":[]})", Verdict::Unknown, {}},
      {200, "not json", Verdict::Unknown, {}},
      {200, std::string(100, '[') + std::string(100, ']'), Verdict::Unknown, {}},
      {400, R"({"error":"bad number"})", Verdict::Rejected, {}},
      {408, "", Verdict::Retryable, {}},
      {500, "", Verdict::Unknown, {}},
      {502, "", Verdict::Unknown, {}},
  };
  for (const Case& k : cases) {
    const ParsedResponse r = parseJsonSendResponse(c, k.status, k.body, false);
    EXPECT_EQ(r.verdict, k.verdict) << k.status << " " << k.body;
    EXPECT_EQ(r.message_ids, k.ids) << k.status << " " << k.body;
  }

  JsonProfileConfig ids = jsonProfile("https://api.example/sms");
  ids.message_id_pointer = "/ids";
  EXPECT_EQ(parseJsonSendResponse(ids, 201, R"({"ids":["a","b",3,{"x":1}]})", false).message_ids,
            (std::vector<std::string>{"a", "b", "3"}));
  EXPECT_EQ(parseJsonSendResponse(ids, 200, R"({"other":1})", false).verdict, Verdict::Accepted);
  ids.require_message_id = true;
  EXPECT_EQ(parseJsonSendResponse(ids, 200, R"({"other":1})", false).verdict, Verdict::Unknown);
  EXPECT_EQ(parseJsonSendResponse(ids, 200, R"({"ids":["a"]})", true).verdict, Verdict::Unknown);

  // Only the listed 2xx statuses mean accepted; another 2xx is not known to.
  JsonProfileConfig listed = jsonProfile("https://api.example/sms");
  listed.accepted_statuses = {202};
  EXPECT_EQ(parseJsonSendResponse(listed, 202, R"({"id":"a"})", false).verdict, Verdict::Accepted);
  const ParsedResponse unlisted = parseJsonSendResponse(listed, 200, R"({"id":"a"})", false);
  EXPECT_EQ(unlisted.verdict, Verdict::Unknown);
  EXPECT_EQ(unlisted.code, "http_2xx_unlisted");
}

TEST(JsonProfile, ParsesInboundCallbacks) {
  JsonInboundFormat f;
  f.messages_pointer = "/messages";
  std::vector<ParsedInbound> out;
  ASSERT_FALSE(parseJsonInbound(
      R"({"messages":[{"id":"m1","from":"+4915112345678","text":"1","timestamp":1796173042},)"
      R"({"id":7,"from":4915112345679,"text":"Oui","timestamp":"2026-12-01T10:00:00Z"},)"
      R"({"from":"4915112345670","text":"ok"}]})",
      f, {}, &out));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].provider_id, "m1");
  EXPECT_EQ(out[0].received_at, 1796173042);
  EXPECT_EQ(out[1].provider_id, "7");
  EXPECT_EQ(out[1].from, "4915112345679");
  EXPECT_EQ(out[1].received_at, 1796119200);
  EXPECT_EQ(out[2].provider_id, "");
  EXPECT_FALSE(out[2].received_at);

  JsonInboundFormat single;  // the document is the record
  ASSERT_FALSE(parseJsonInbound(R"({"from":"1","text":"x"})", single, {}, &out));
  EXPECT_EQ(out.size(), 1u);

  struct Case {
    std::string body;
    std::string_view error;
  };
  const Case cases[] = {
      {R"({"messages":[{"text":"x"}]})", "missing_from"},
      {R"({"messages":[{"from":"1"}]})", "missing_text"},
      {R"({"messages":[{"from":"1","text":5}]})", "missing_text"},
      {R"({"messages":[{"from":"1 2","text":"x"}]})", "invalid_from"},
      {R"({"messages":[{"from":"1","text":"x","timestamp":"soon"}]})", "invalid_timestamp"},
      {R"({"messages":[{"from":"1","text":"x","id":1.5}]})", "invalid_id"},
      {R"({"messages":[1]})", "bad_shape"},
      {R"({"nothing":[]})", "bad_shape"},
      {R"({"messages":"x"})", "bad_shape"},
      {"{", "bad_json"},
      {std::string(40, '['), "too_deep"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(parseJsonInbound(c.body, f, {}, &out).code, c.error) << c.body;
  }
  WebhookLimits limits;
  limits.max_messages = 1;
  EXPECT_EQ(parseJsonInbound(R"({"messages":[{"from":"1","text":"x"},{"from":"2","text":"y"}]})", f,
                             limits, &out)
                .code,
            "too_many_messages");
}

TEST(JsonProfile, ParsesDeliveryCallbacks) {
  JsonDeliveryFormat f;
  f.messages_pointer = "/results";
  f.id_pointer = "/messageId";
  f.status_pointer = "/status/groupName";
  std::vector<ParsedDelivery> out;
  std::size_t unmapped = 0;
  ASSERT_FALSE(
      parseJsonDelivery(R"({"results":[{"messageId":"p1","status":{"groupName":"DELIVERED"}},)"
                        R"({"messageId":"p2","reference":"17","status":{"groupName":"pending"}},)"
                        R"({"reference":18,"status":{"groupName":"Expired"}},)"
                        R"({"messageId":"p4","status":{"groupName":"MYSTERY"}}]})",
                        f, {}, &out, &unmapped));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(unmapped, 1u);
  EXPECT_EQ(out[0].provider_id, "p1");
  EXPECT_EQ(out[0].state, smpp::MessageState::Delivered);
  EXPECT_TRUE(out[0].is_final);
  EXPECT_EQ(out[1].ref, 17u);
  EXPECT_EQ(out[1].state, smpp::MessageState::Enroute);
  EXPECT_FALSE(out[1].is_final);
  EXPECT_EQ(out[2].ref, 18u);
  EXPECT_EQ(out[2].provider_id, "");
  EXPECT_EQ(out[2].state, smpp::MessageState::Expired);

  EXPECT_EQ(parseJsonDelivery(R"({"results":[{"status":{"groupName":"DELIVERED"}}]})", f, {}, &out,
                              &unmapped)
                .code,
            "missing_id");
  EXPECT_EQ(parseJsonDelivery(R"({"results":[{"messageId":"p"}]})", f, {}, &out, &unmapped).code,
            "missing_status");
  EXPECT_EQ(parseJsonDelivery(R"({"results":[{"reference":"x","status":{"groupName":"sent"}}]})", f,
                              {}, &out, &unmapped)
                .code,
            "invalid_ref");
}

// ---- Webhooks ------------------------------------------------------------------------------

// Sinks that store what they are given and can be told to fail.
struct Sinks {
  std::error_code onInbound(const std::vector<InboundSms>& batch) {
    std::lock_guard lock(mu);
    ++inbound_calls;
    if (fail_next > 0) {
      --fail_next;
      return std::make_error_code(std::errc::io_error);
    }
    inbound.insert(inbound.end(), batch.begin(), batch.end());
    return {};
  }
  std::error_code onDelivery(const std::vector<DeliveryReport>& batch) {
    std::lock_guard lock(mu);
    ++delivery_calls;
    if (fail_next > 0) {
      --fail_next;
      return std::make_error_code(std::errc::io_error);
    }
    deliveries.insert(deliveries.end(), batch.begin(), batch.end());
    return {};
  }
  InboundSink inboundSink() {
    return [this](const std::vector<InboundSms>& b) { return onInbound(b); };
  }
  DeliverySink deliverySink() {
    return [this](const std::vector<DeliveryReport>& b) { return onDelivery(b); };
  }

  std::mutex mu;
  int fail_next = 0;
  int inbound_calls = 0;
  int delivery_calls = 0;
  std::vector<InboundSms> inbound;
  std::vector<DeliveryReport> deliveries;
};

constexpr std::int64_t kNow = 1796173000;

WebhookConfig kannelWebhook() {
  WebhookConfig c;
  c.tenant_id = "tenant-a";
  c.channel = "http:kannel";
  c.format = WebhookFormat::Kannel;
  c.auth.mode = WebhookAuthMode::Token;
  c.auth.secret = kToken;
  c.clock = [] { return kNow; };
  return c;
}

WebhookConfig jsonWebhook() {
  WebhookConfig c;
  c.tenant_id = "tenant-a";
  c.channel = "http:json";
  c.format = WebhookFormat::Json;
  c.auth.mode = WebhookAuthMode::HmacSha256;
  c.auth.secret = "hmac-secret-0123456789abcdef";
  c.json_inbound.messages_pointer = "/messages";
  c.json_delivery.messages_pointer = "/results";
  c.clock = [] { return kNow; };
  return c;
}

api::HttpRequest get(std::string target) {
  api::HttpRequest r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}

api::HttpRequest signedPost(const WebhookConfig& c, std::string body, std::int64_t ts = kNow) {
  api::HttpRequest r;
  r.method = "POST";
  r.target = "/webhooks/json/inbound";
  const std::string stamp = std::to_string(ts);
  r.headers = {{"Content-Type", "application/json"},
               {"X-Liaison-Timestamp", stamp},
               {"X-Liaison-Signature", "sha256=" + webhookSignature(c.auth.secret, stamp, body)}};
  r.body = std::move(body);
  return r;
}

std::string errorCode(const api::HttpResponse& r) {
  const auto at = r.body.find("\"code\":\"");
  if (at == std::string::npos) return {};
  const auto end = r.body.find('"', at + 8);
  return r.body.substr(at + 8, end - at - 8);
}

TEST(HttpWebhook, KannelInboundWithTokenReachesTheSink) {
  Sinks sinks;
  WebhookEndpoint ep(kannelWebhook(), sinks.inboundSink(), sinks.deliverySink());
  const api::HttpResponse r = ep.handleInbound(
      get(std::string("/webhooks/kannel/inbound?token=") + kToken +
          "&id=0b6c&from=%2B4915112345678&to=1234&ts=1796173070&coding=0&charset=UTF-8"
          "&text=STOP"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");  // Kannel would send a non-empty answer as an SMS
  ASSERT_EQ(sinks.inbound.size(), 1u);
  const InboundSms& m = sinks.inbound[0];
  EXPECT_EQ(m.tenant_id, "tenant-a");
  EXPECT_EQ(m.channel, "http:kannel");
  EXPECT_EQ(m.provider_id, "0b6c");
  EXPECT_EQ(m.from, "+4915112345678");
  EXPECT_EQ(m.text, "STOP");
  EXPECT_EQ(m.received_at, 1796173070);

  // Token in the header instead; no ts: received now.
  api::HttpRequest h = get("/in?id=0b6d&from=4915112345678&text=START");
  h.headers = {{"x-liaison-token", kToken}};
  EXPECT_EQ(ep.handleInbound(h).status, 200);
  ASSERT_EQ(sinks.inbound.size(), 2u);
  EXPECT_EQ(sinks.inbound[1].received_at, kNow);
}

TEST(HttpWebhook, RefusesBadTokensWithoutReachingTheSink) {
  Sinks sinks;
  WebhookEndpoint ep(kannelWebhook(), sinks.inboundSink(), sinks.deliverySink());
  const std::string tail = "&from=4915112345678&text=x";
  for (const std::string& target :
       {std::string("/in?token=wrong") + tail, std::string("/in?token=") + tail,
        std::string("/in?x=1") + tail, std::string("/in?token=") + kToken + "x" + tail,
        std::string("/in?token=") + std::string(kToken).substr(1) + tail}) {
    const api::HttpResponse r = ep.handleInbound(get(target));
    EXPECT_EQ(r.status, 401) << target;
    EXPECT_EQ(errorCode(r), "unauthorized");
  }
  EXPECT_EQ(sinks.inbound_calls, 0);
  EXPECT_EQ(ep.stats().auth_failures, 5u);
}

TEST(HttpWebhook, KannelDeliveryReportsCarryTheRef) {
  Sinks sinks;
  WebhookEndpoint ep(kannelWebhook(), sinks.inboundSink(), sinks.deliverySink());
  const std::string base = std::string("/dlr?token=") + kToken + "&ref=42";
  EXPECT_EQ(ep.handleDeliveryReport(get(base + "&type=8&ts=1796173042")).status, 200);
  EXPECT_EQ(ep.handleDeliveryReport(get(base + "&type=1&ts=1796173043")).status, 200);
  // Kannel retrying a report it did not see answered changes nothing.
  EXPECT_EQ(ep.handleDeliveryReport(get(base + "&type=1&ts=1796173043")).status, 200);
  ASSERT_EQ(sinks.deliveries.size(), 2u);
  EXPECT_EQ(sinks.deliveries[0].ref, 42u);
  EXPECT_EQ(sinks.deliveries[0].provider_id, "42");  // the id the dispatcher recorded
  EXPECT_EQ(sinks.deliveries[0].state, smpp::MessageState::Accepted);
  EXPECT_FALSE(sinks.deliveries[0].is_final);
  EXPECT_EQ(sinks.deliveries[1].state, smpp::MessageState::Delivered);
  EXPECT_TRUE(sinks.deliveries[1].is_final);
  EXPECT_EQ(sinks.deliveries[1].reported_at, 1796173043);
  EXPECT_EQ(sinks.deliveries[1].channel, "http:kannel");
  EXPECT_EQ(ep.stats().duplicates, 1u);

  const api::HttpResponse bad = ep.handleDeliveryReport(get(base + "&type=%25d"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(errorCode(bad), "invalid_type");
}

TEST(HttpWebhook, SignedJsonInboundIsReplaySafe) {
  Sinks sinks;
  const WebhookConfig c = jsonWebhook();
  WebhookEndpoint ep(c, sinks.inboundSink(), sinks.deliverySink());
  const std::string body = R"({"messages":[{"id":"m1","from":"+4915112345678","text":"1"},)"
                           R"({"id":"m2","from":"+4915112345679","text":"B"}]})";
  api::HttpResponse r = ep.handleInbound(signedPost(c, body));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"accepted":2,"duplicates":0})");
  // The same request again (a provider retry, or a replay within the skew): nothing changes.
  r = ep.handleInbound(signedPost(c, body));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"accepted":0,"duplicates":2})");
  EXPECT_EQ(sinks.inbound_calls, 1);
  // One old, one new: only the new one reaches the sink.
  r = ep.handleInbound(signedPost(
      c, R"({"messages":[{"id":"m2","from":"1","text":"B"},{"id":"m3","from":"1","text":"C"}]})"));
  EXPECT_EQ(r.body, R"({"accepted":1,"duplicates":1})");
  ASSERT_EQ(sinks.inbound.size(), 3u);
  EXPECT_EQ(sinks.inbound[2].provider_id, "m3");
  EXPECT_EQ(sinks.inbound[2].tenant_id, "tenant-a");
}

TEST(HttpWebhook, RefusesBadSignaturesAndStaleTimestamps) {
  Sinks sinks;
  const WebhookConfig c = jsonWebhook();
  WebhookEndpoint ep(c, sinks.inboundSink(), sinks.deliverySink());
  const std::string body = R"({"messages":[{"id":"m1","from":"1","text":"x"}]})";

  api::HttpRequest tampered = signedPost(c, body);
  tampered.body = R"({"messages":[{"id":"m1","from":"2","text":"x"}]})";
  api::HttpRequest wrong_key = signedPost(c, body);
  wrong_key.headers[2].second =
      "sha256=" + webhookSignature("another-secret-0123456789", std::to_string(kNow), body);
  api::HttpRequest no_signature = signedPost(c, body);
  no_signature.headers.pop_back();
  api::HttpRequest no_timestamp = signedPost(c, body);
  no_timestamp.headers.erase(no_timestamp.headers.begin() + 1);
  api::HttpRequest upper_hex = signedPost(c, body);  // hex case does not matter
  for (char& ch : upper_hex.headers[2].second) ch = static_cast<char>(std::toupper(ch));
  upper_hex.headers[2].second.replace(0, 7, "sha256=");

  EXPECT_EQ(ep.handleInbound(tampered).status, 401);
  EXPECT_EQ(ep.handleInbound(wrong_key).status, 401);
  EXPECT_EQ(ep.handleInbound(no_signature).status, 401);
  EXPECT_EQ(ep.handleInbound(no_timestamp).status, 401);
  EXPECT_EQ(ep.handleInbound(signedPost(c, body, kNow - 301)).status, 401);  // stale
  EXPECT_EQ(ep.handleInbound(signedPost(c, body, kNow + 301)).status, 401);  // future
  EXPECT_EQ(sinks.inbound_calls, 0);
  EXPECT_EQ(ep.handleInbound(signedPost(c, body, kNow - 299)).status, 200);
  EXPECT_EQ(ep.handleInbound(upper_hex).status, 200);  // accepted, as a duplicate
  EXPECT_EQ(sinks.inbound_calls, 1);
}

TEST(HttpWebhook, AnswersServiceUnavailableUntilTheSinkStored) {
  Sinks sinks;
  const WebhookConfig c = jsonWebhook();
  WebhookEndpoint ep(c, sinks.inboundSink(), sinks.deliverySink());
  const std::string body = R"({"messages":[{"id":"m1","from":"1","text":"x"}]})";
  sinks.fail_next = 1;
  const api::HttpResponse failed = ep.handleInbound(signedPost(c, body));
  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(errorCode(failed), "unavailable");
  // Not remembered: the provider's retry reaches the sink.
  EXPECT_EQ(ep.handleInbound(signedPost(c, body)).status, 200);
  EXPECT_EQ(sinks.inbound_calls, 2);
  EXPECT_EQ(sinks.inbound.size(), 1u);

  WebhookEndpoint throwing(
      c,
      [](const std::vector<InboundSms>&) -> std::error_code {
        throw std::runtime_error("disk on fire");
      },
      sinks.deliverySink());
  EXPECT_EQ(throwing.handleInbound(signedPost(c, body)).status, 503);
  EXPECT_EQ(throwing.stats().sink_failures, 1u);
}

TEST(HttpWebhook, JsonDeliveryReports) {
  Sinks sinks;
  const WebhookConfig c = jsonWebhook();
  WebhookEndpoint ep(c, sinks.inboundSink(), sinks.deliverySink());
  const api::HttpResponse r = ep.handleDeliveryReport(signedPost(
      c, R"({"results":[{"id":"p1","reference":"5","status":"delivered","timestamp":1796173001},)"
         R"({"id":"p2","status":"weird"}]})"));
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(sinks.deliveries.size(), 1u);
  EXPECT_EQ(sinks.deliveries[0].provider_id, "p1");
  EXPECT_EQ(sinks.deliveries[0].ref, 5u);
  EXPECT_EQ(sinks.deliveries[0].reported_at, 1796173001);
  EXPECT_EQ(ep.stats().unmapped_states, 1u);
}

TEST(HttpWebhook, ValidatesMethodSizeAndShape) {
  Sinks sinks;
  WebhookConfig c = jsonWebhook();
  c.max_body_bytes = 64;
  WebhookEndpoint ep(c, sinks.inboundSink(), sinks.deliverySink());
  api::HttpResponse r = ep.handleInbound(get("/in"));
  EXPECT_EQ(r.status, 405);
  r = ep.handleInbound(signedPost(c, std::string(65, ' ')));
  EXPECT_EQ(r.status, 413);
  r = ep.handleInbound(signedPost(c, R"({"messages":[{"from":"1"}]})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errorCode(r), "missing_text");
  r = ep.handleInbound(signedPost(c, "[[[["));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(sinks.inbound_calls, 0);

  WebhookConfig bad = kannelWebhook();
  bad.auth.mode = WebhookAuthMode::HmacSha256;  // Kannel cannot sign
  EXPECT_THROW(WebhookEndpoint(bad, sinks.inboundSink(), sinks.deliverySink()),
               std::invalid_argument);
  bad = kannelWebhook();
  bad.auth.secret = "short";
  EXPECT_THROW(WebhookEndpoint(bad, sinks.inboundSink(), sinks.deliverySink()),
               std::invalid_argument);
}

TEST(HttpWebhook, ConstantTimeEqualsComparesContentAndLength) {
  EXPECT_TRUE(constantTimeEquals("secret", "secret"));
  EXPECT_FALSE(constantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(constantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(constantTimeEquals("", "x"));
  EXPECT_EQ(webhookSignature("key", "1", "body").size(), 64u);
}

// ---- The channel against real sockets ------------------------------------------------------

class HttpChannelTest : public ::testing::Test {
 protected:
  IoThreads io_{2};
  Recorder recorder_;
};

TEST_F(HttpChannelTest, AcceptedMessagesReportTheProviderId) {
  std::atomic<int> next{0};
  FakeAggregator agg([&](const api::HttpRequest&) {
    return respond(200, R"({"id":"prov-)" + std::to_string(++next) + R"("})");
  });
  HttpChannel channel(io_.ioc(), channelConfig(jsonProfile(agg.url("/v1/sms"))), recorder_);
  channel.start();
  const SendResult r = channel.send(message(1));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.segments, 1u);
  ASSERT_TRUE(channel.send(message(2, "Здравствуйте")).ok());
  ASSERT_TRUE(recorder_.waitOutcomes(2));
  for (uint64_t ref : {1, 2}) {
    const auto o = recorder_.outcome(ref);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->kind, Outcome::Submitted);
    ASSERT_EQ(o->ids.size(), 1u);
    EXPECT_EQ(o->ids[0].rfind("prov-", 0), 0u);
  }
  // The exact request the aggregator saw.
  const auto requests = agg.requests();
  ASSERT_EQ(requests.size(), 2u);
  const auto& first =
      requests[0].body.find(R"("ref":"1")") != std::string::npos ? requests[0] : requests[1];
  EXPECT_EQ(first.method, "POST");
  EXPECT_EQ(first.target, "/v1/sms");
  EXPECT_EQ(first.header("Authorization"), "Bearer api-key-123");
  EXPECT_EQ(first.header("Content-Type"), "application/json");
  EXPECT_EQ(first.header("Expect"), "");
  EXPECT_EQ(first.body, std::string(R"({"from":"Consulate","ref":"1","text":")") + kSecretText +
                            R"(","to":"+4915112345678"})");
  const HttpChannelStats s = channel.stats();
  EXPECT_EQ(s.submitted, 2u);
  EXPECT_EQ(s.requests, 2u);
  EXPECT_EQ(s.in_flight, 0u);
  EXPECT_FALSE(recorder_.contractViolated());
}

TEST_F(HttpChannelTest, KannelAnswersAreUnderstood) {
  FakeAggregator agg([](const api::HttpRequest& r) {
    const std::string text = queryValue(r.target, "text");
    if (text == "reject") return respond(403, "Authorization failed for sendsms");
    if (text == "queue") return respond(202, "3: Queued for later delivery");
    if (text == "fail") return respond(500, "Sending failed.");
    return respond(202, "0: Accepted for delivery");
  });
  KannelProfileConfig k = kannelConfig(agg.url("/cgi-bin/sendsms"));
  HttpChannel channel(io_.ioc(), channelConfig(k), recorder_);
  channel.start();
  ASSERT_TRUE(channel.send(message(1, "hello")).ok());
  ASSERT_TRUE(channel.send(message(2, "queue")).ok());
  ASSERT_TRUE(channel.send(message(3, "reject")).ok());
  ASSERT_TRUE(channel.send(message(4, "fail")).ok());
  ASSERT_TRUE(recorder_.waitOutcomes(4));
  EXPECT_EQ(recorder_.outcome(1)->kind, Outcome::Submitted);
  EXPECT_TRUE(recorder_.outcome(1)->ids.empty());  // Kannel gives no id
  EXPECT_EQ(recorder_.outcome(2)->kind, Outcome::Submitted);
  const Outcome rejected = *recorder_.outcome(3);
  EXPECT_EQ(rejected.kind, Outcome::Failed);
  EXPECT_EQ(rejected.failure.kind, FailureKind::Rejected);
  EXPECT_FALSE(rejected.failure.retryable);
  EXPECT_EQ(rejected.failure.http_status, 403);
  const Outcome failed = *recorder_.outcome(4);
  EXPECT_EQ(failed.failure.kind, FailureKind::Unavailable);
  EXPECT_TRUE(failed.failure.retryable);

  const auto requests = agg.requests();
  ASSERT_EQ(requests.size(), 4u);
  for (const auto& r : requests) {
    EXPECT_EQ(queryValue(r.target, "username"), "liaison");
    EXPECT_EQ(queryValue(r.target, "password"), kPassword);
    EXPECT_EQ(queryValue(r.target, "to"), "+4915112345678");
    EXPECT_EQ(queryValue(r.target, "coding"), "0");
    const std::string dlr = queryValue(r.target, "dlr-url");
    EXPECT_EQ(dlr.rfind("http://127.0.0.1:9/webhooks/kannel/dlr?token=abc&ref=", 0), 0u) << dlr;
  }
}

TEST_F(HttpChannelTest, TooManyRequestsWithRetryAfterSlowsTheChannel) {
  std::atomic<int> calls{0};
  std::mutex times_mu;
  std::vector<std::chrono::steady_clock::time_point> times;
  FakeAggregator agg([&](const api::HttpRequest&) {
    {
      std::lock_guard lock(times_mu);
      times.push_back(std::chrono::steady_clock::now());
    }
    if (++calls == 1) return respond(429, "slow down", {{"Retry-After", "1"}});
    return respond(200, R"({"id":"ok"})");
  });
  HttpChannelConfig c = channelConfig(jsonProfile(agg.url("/sms")));
  c.max_in_flight = 4;
  c.requests_per_second = 100;
  HttpChannel channel(io_.ioc(), c, recorder_);
  channel.start();
  ASSERT_TRUE(channel.send(message(1)).ok());
  ASSERT_TRUE(recorder_.waitOutcomes(1));
  const Outcome o = *recorder_.outcome(1);
  ASSERT_EQ(o.kind, Outcome::Failed);
  EXPECT_EQ(o.failure.kind, FailureKind::Throttled);
  EXPECT_TRUE(o.failure.retryable);
  EXPECT_EQ(o.failure.http_status, 429);
  EXPECT_EQ(o.failure.retry_after, 1s);
  HttpChannelStats s = channel.stats();
  EXPECT_EQ(s.throttled, 1u);
  EXPECT_EQ(s.window, 2u);           // halved
  EXPECT_LT(s.current_rate, 100.0);  // and the rate
  ASSERT_TRUE(channel.send(message(2)).ok());
  ASSERT_TRUE(recorder_.waitOutcomes(2));  // sent once the pause is over
  EXPECT_EQ(recorder_.outcome(2)->kind, Outcome::Submitted);
  std::lock_guard lock(times_mu);
  ASSERT_EQ(times.size(), 2u);
  EXPECT_GE(times[1] - times[0], 900ms);  // no new request before Retry-After (a lower bound)
}

TEST_F(HttpChannelTest, ServiceUnavailableWithoutRetryAfterUsesTheDefault) {
  FakeAggregator agg([](const api::HttpRequest&) { return respond(503, "busy"); });
  HttpChannelConfig c = channelConfig(jsonProfile(agg.url("/sms")));
  c.retry_after.default_delay = 3s;
  HttpChannel channel(io_.ioc(), c, recorder_);
  channel.start();
  ASSERT_TRUE(channel.send(message(1)).ok());
  ASSERT_TRUE(recorder_.waitOutcomes(1));
  const Outcome o = *recorder_.outcome(1);
  EXPECT_EQ(o.failure.kind, FailureKind::Throttled);
  EXPECT_EQ(o.failure.retry_after, 3s);
}

TEST_F(HttpChannelTest, TimeoutAfterSendingIsUnknownNeverRetried) {
  BlackHole hole;
  HttpChannelConfig c =
      channelConfig(jsonProfile("http://127.0.0.1:" + std::to_string(hole.port()) + "/sms"));
  c.request_timeout = 1s;
  HttpChannel channel(io_.ioc(), c, recorder_);
  channel.start();
  ASSERT_TRUE(channel.send(message(1)).ok());
  ASSERT_TRUE(recorder_.waitOutcomes(1));
  const Outcome o = *recorder_.outcome(1);
  EXPECT_EQ(o.kind, Outcome::Unknown);
  EXPECT_EQ(o.reason, "timeout_after_send");
  EXPECT_GT(hole.bytesRead(), 0u);  // the request did go out
  EXPECT_EQ(channel.stats().requests, 1u);
}

TEST_F(HttpChannelTest, ConnectionRefusedIsRetryable) {
  HttpChannelConfig c =
      channelConfig(jsonProfile("http://127.0.0.1:" + std::to_string(closedPort()) + "/sms"));
  HttpChannel channel(io_.ioc(), c, recorder_);
  channel.start();
  ASSERT_TRUE(channel.send(message(1)).ok());
  ASSERT_TRUE(recorder_.waitOutcomes(1));
  const Outcome o = *recorder_.outcome(1);
  ASSERT_EQ(o.kind, Outcome::Failed);
  EXPECT_EQ(o.failure.kind, FailureKind::ConnectionFailed);
  EXPECT_TRUE(o.failure.retryable);
  EXPECT_EQ(o.failure.code, "connect_failed");
  EXPECT_EQ(o.failure.http_status, 0);
  EXPECT_EQ(channel.stats().connect_failed, 1u);
}

TEST_F(HttpChannelTest, TlsWithATrustedCaAndAnUntrustedOne) {
  testing::TempDir dir;
  ASSERT_TRUE(makeCertificate(dir.file("cert.pem"), dir.file("key.pem")))
      << "openssl could not make a certificate";
  ASSERT_TRUE(makeCertificate(dir.file("other.pem"), dir.file("other-key.pem")));
  TlsServer tls(dir.file("cert.pem"), dir.file("key.pem"));
  const std::string url = "https://127.0.0.1:" + std::to_string(tls.port()) + "/sms";

  HttpChannelConfig trusted = channelConfig(jsonProfile(url));
  trusted.ca_file = dir.file("cert.pem");
  trusted.https_only = true;
  HttpChannel good(io_.ioc(), trusted, recorder_);
  good.start();
  ASSERT_TRUE(good.send(message(1)).ok());
  ASSERT_TRUE(recorder_.waitOutcomes(1));
  ASSERT_EQ(recorder_.outcome(1)->kind, Outcome::Submitted);
  EXPECT_EQ(recorder_.outcome(1)->ids, std::vector<std::string>{"tls-1"});

  Recorder other;
  HttpChannelConfig untrusted = channelConfig(jsonProfile(url));
  untrusted.ca_file = dir.file("other.pem");
  HttpChannel bad(io_.ioc(), untrusted, other);
  bad.start();
  ASSERT_TRUE(bad.send(message(2)).ok());
  ASSERT_TRUE(other.waitOutcomes(1));
  const Outcome o = *other.outcome(2);
  ASSERT_EQ(o.kind, Outcome::Failed);
  EXPECT_EQ(o.failure.kind, FailureKind::ConnectionFailed);
  EXPECT_EQ(o.failure.code, "tls_failed");
  EXPECT_TRUE(o.failure.retryable);  // nothing was sent
  EXPECT_EQ(tls.served(), 1);

  // The system store does not know a test CA either.
  Recorder system;
  HttpChannel nobody(io_.ioc(), channelConfig(jsonProfile(url)), system);
  nobody.start();
  ASSERT_TRUE(nobody.send(message(3)).ok());
  ASSERT_TRUE(system.waitOutcomes(1));
  EXPECT_EQ(system.outcome(3)->failure.code, "tls_failed");
  EXPECT_EQ(tls.served(), 1);
}

TEST_F(HttpChannelTest, HttpsOnlyRefusesPlainHttp) {
  FakeAggregator agg([](const api::HttpRequest&) { return respond(200, "{}"); });
  HttpChannelConfig c = channelConfig(jsonProfile(agg.url("/sms")));
  c.https_only = true;
  HttpChannel channel(io_.ioc(), c, recorder_);
  channel.start();
  ASSERT_TRUE(channel.send(message(1)).ok());
  ASSERT_TRUE(recorder_.waitOutcomes(1));
  const Outcome o = *recorder_.outcome(1);
  EXPECT_EQ(o.failure.code, "protocol_refused");
  EXPECT_FALSE(o.failure.retryable);
  EXPECT_TRUE(agg.requests().empty());
}

TEST_F(HttpChannelTest, OversizedResponsesAreCut) {
  FakeAggregator agg([](const api::HttpRequest& r) {
    if (r.body.find(R"("ref":"1")") != std::string::npos) {
      return respond(200, R"({"id":"x","pad":")" + std::string(5000, 'a') + R"("})");
    }
    return respond(400, std::string(5000, 'e'));
  });
  HttpChannelConfig c = channelConfig(jsonProfile(agg.url("/sms")));
  c.max_response_bytes = 1024;
  HttpChannel channel(io_.ioc(), c, recorder_);
  channel.start();
  ASSERT_TRUE(channel.send(message(1)).ok());
  ASSERT_TRUE(channel.send(message(2)).ok());
  ASSERT_TRUE(recorder_.waitOutcomes(2));
  EXPECT_EQ(recorder_.outcome(1)->kind, Outcome::Unknown);  // a 2xx we could not read
  EXPECT_EQ(recorder_.outcome(1)->reason, "response_too_large");
  EXPECT_EQ(recorder_.outcome(2)->kind, Outcome::Failed);  // a 4xx is a 4xx
  EXPECT_EQ(recorder_.outcome(2)->failure.kind, FailureKind::Rejected);
}

TEST_F(HttpChannelTest, PriorityMessagesStartFirst) {
  FakeAggregator agg([](const api::HttpRequest&) { return respond(200, R"({"id":"a"})"); });
  HttpChannelConfig c = channelConfig(jsonProfile(agg.url("/sms")));
  c.max_in_flight = 1;
  HttpChannel channel(io_.ioc(), c, recorder_);
  ASSERT_TRUE(channel.send(message(1)).ok());
  ASSERT_TRUE(channel.send(message(2)).ok());
  ASSERT_TRUE(channel.send(message(3, "STOP confirmed", Priority::High)).ok());
  channel.start();
  ASSERT_TRUE(recorder_.waitOutcomes(3));
  EXPECT_EQ(recorder_.order(), (std::vector<uint64_t>{3, 1, 2}));
}

TEST_F(HttpChannelTest, SendValidatesAndBounds) {
  FakeAggregator agg([](const api::HttpRequest&) { return respond(200, R"({"id":"a"})"); });
  HttpChannelConfig c = channelConfig(jsonProfile(agg.url("/sms")));
  c.max_queued = 2;
  c.max_queued_priority = 1;
  c.max_segments_per_message = 2;
  HttpChannel channel(io_.ioc(), c, recorder_);  // not started: everything stays queued
  EXPECT_TRUE(channel.send(message(1)).ok());
  EXPECT_EQ(channel.send(message(1)).status, SendStatus::DuplicateRef);
  EXPECT_TRUE(channel.send(message(2)).ok());
  const SendResult full = channel.send(message(3));
  EXPECT_EQ(full.status, SendStatus::QueueFull);
  EXPECT_TRUE(full.retryable());
  EXPECT_TRUE(channel.send(message(4, "x", Priority::High)).ok());  // its own bound
  EXPECT_EQ(channel.send(message(5, "x", Priority::High)).status, SendStatus::QueueFull);
  OutboundMessage bad = message(6);
  bad.destination = "not a number";
  EXPECT_EQ(channel.send(bad).status, SendStatus::InvalidMessage);
  EXPECT_EQ(channel.send(message(7, std::string(400, 'a'))).status, SendStatus::InvalidMessage);
  EXPECT_EQ(channel.send(message(8, "\xc3")).status, SendStatus::InvalidMessage);
  const HttpChannelStats s = channel.stats();
  EXPECT_EQ(s.queued, 3u);
  EXPECT_EQ(s.queued_priority, 1u);
  EXPECT_EQ(s.queue_full, 2u);
}

TEST_F(HttpChannelTest, StopHandsBackWhatWasNeverSent) {
  BlackHole hole;
  HttpChannelConfig c =
      channelConfig(jsonProfile("http://127.0.0.1:" + std::to_string(hole.port()) + "/sms"));
  c.max_in_flight = 1;
  c.request_timeout = 60s;
  c.stop_drain_timeout = 200ms;
  HttpChannel channel(io_.ioc(), c, recorder_);
  channel.start();
  for (uint64_t ref = 1; ref <= 3; ++ref) ASSERT_TRUE(channel.send(message(ref)).ok());
  // Wait until the first request is on the wire.
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (hole.bytesRead() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_GT(hole.bytesRead(), 0u);
  channel.stop();
  EXPECT_EQ(channel.send(message(9)).status, SendStatus::Stopped);
  ASSERT_TRUE(recorder_.waitStopped());
  const Outcome o = *recorder_.outcome(1);
  EXPECT_EQ(o.kind, Outcome::Unknown);
  EXPECT_EQ(o.reason, "stopped_in_flight");
  const auto unsent = recorder_.unsent();
  ASSERT_EQ(unsent.size(), 2u);
  EXPECT_EQ(unsent[0].ref, 2u);
  EXPECT_EQ(unsent[1].ref, 3u);
  EXPECT_EQ(unsent[0].text, kSecretText);
  const HttpChannelStats s = channel.stats();
  EXPECT_TRUE(s.stopped);
  EXPECT_EQ(s.handed_back, 2u);
  EXPECT_FALSE(recorder_.contractViolated());
}

TEST_F(HttpChannelTest, StopWithNothingInFlightIsImmediate) {
  HttpChannel channel(io_.ioc(), channelConfig(jsonProfile("http://127.0.0.1:9/sms")), recorder_);
  ASSERT_TRUE(channel.send(message(1)).ok());
  channel.stop();
  channel.stop();  // idempotent
  ASSERT_TRUE(recorder_.waitStopped());
  EXPECT_EQ(recorder_.unsent().size(), 1u);
}

TEST_F(HttpChannelTest, ManyMessagesUnderABoundedWindow) {
  std::atomic<int> concurrent{0}, peak{0};
  FakeAggregator agg(
      [&](const api::HttpRequest&) {
        const int now = ++concurrent;
        int p = peak.load();
        while (now > p && !peak.compare_exchange_weak(p, now)) {
        }
        std::this_thread::sleep_for(2ms);
        --concurrent;
        return respond(200, R"({"id":"m"})");
      },
      /*threads=*/6);
  HttpChannelConfig c = channelConfig(jsonProfile(agg.url("/sms")));
  c.max_in_flight = 3;
  HttpChannel channel(io_.ioc(), c, recorder_);
  channel.start();
  constexpr int kCount = 200;
  for (int i = 1; i <= kCount; ++i) ASSERT_TRUE(channel.send(message(i)).ok());
  ASSERT_TRUE(recorder_.waitOutcomes(kCount));
  EXPECT_EQ(channel.stats().submitted, static_cast<uint64_t>(kCount));
  EXPECT_LE(peak.load(), 3);
  EXPECT_FALSE(recorder_.contractViolated());
}

TEST_F(HttpChannelTest, LogsCarryNoNumbersTextsOrSecrets) {
  ::testing::internal::CaptureStderr();
  {
    FakeAggregator agg([](const api::HttpRequest& r) {
      if (r.body.find(R"("ref":"1")") != std::string::npos) {
        return respond(429, "", {{"Retry-After", "0"}});
      }
      return respond(500, "oops");
    });
    HttpChannel channel(io_.ioc(), channelConfig(jsonProfile(agg.url("/sms"))), recorder_);
    channel.start();
    ASSERT_TRUE(channel.send(message(1)).ok());
    ASSERT_TRUE(recorder_.waitOutcomes(1));
    ASSERT_TRUE(channel.send(message(2)).ok());
    ASSERT_TRUE(recorder_.waitOutcomes(2));
    Recorder refused;
    HttpChannel dead(io_.ioc(),
                     channelConfig(kannelConfig("http://127.0.0.1:" + std::to_string(closedPort()) +
                                                "/sendsms")),
                     refused);
    dead.start();
    ASSERT_TRUE(dead.send(message(3)).ok());
    ASSERT_TRUE(refused.waitOutcomes(1));

    Sinks sinks;
    WebhookEndpoint ep(kannelWebhook(), sinks.inboundSink(), sinks.deliverySink());
    ep.handleInbound(get(std::string("/in?token=wrong&from=") + kDestination + "&text=secret"));
    ep.handleInbound(get(std::string("/in?token=") + kToken + "&from=" + kDestination));
  }
  const std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(logs.find("http_channel.throttled"), std::string::npos) << logs;
  EXPECT_NE(logs.find("webhook.auth_failed"), std::string::npos) << logs;
  EXPECT_EQ(logs.find(kDestination), std::string::npos) << logs;
  EXPECT_EQ(logs.find("Poll question"), std::string::npos) << logs;
  EXPECT_EQ(logs.find(kPassword), std::string::npos) << logs;
  EXPECT_EQ(logs.find("api-key-123"), std::string::npos) << logs;
  EXPECT_EQ(logs.find(kToken), std::string::npos) << logs;
  EXPECT_EQ(logs.find("127.0.0.1"), std::string::npos) << logs;
}

}  // namespace
}  // namespace liaison::gateway::http
