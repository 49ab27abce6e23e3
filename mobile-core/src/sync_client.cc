// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SyncClient: libcurl transport, request signing and the exchange loop (see sync_client.h).
#include "sync_client.h"

#include <curl/curl.h>
#include <sodium.h>
#if LIAISON_MOBILE_ZSTD
#include <zstd.h>  // decoding pull pages; compressing requests only with LIAISON_MOBILE_ZSTD_UPLOAD
#endif

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "crypto.h"
#include "liaison/sync/batch_codec.h"

namespace liaison::mobile {

namespace {

using sync::Status;

constexpr std::string_view kSyncPath = "/v1/sync";
constexpr std::string_view kEnrolPath = "/v1/sync/enrol";
constexpr std::string_view kProtobuf = "application/x-protobuf";
constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t kCodeSymbols = 20;
#if LIAISON_MOBILE_ZSTD_UPLOAD
constexpr std::size_t kMinCompressedBody = 512;
#endif
constexpr std::size_t kMaxEnrolAnswer = 64u << 10;
constexpr int kMaxAuthRetries = 2;  // consecutive re-signs after stale-timestamp or replayed

uint64_t systemMs() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the NUL
  return out;
}

std::string signDetached(std::string_view secret_key, std::string_view message) {
  std::string sig(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret_key.data()));
  return sig;
}

// A header token the gateway sets (e.g. "stale-timestamp"): kept only when it looks like one,
// so nothing else from the answer reaches a message.
std::string safeToken(std::string_view v) {
  if (v.empty() || v.size() > 32) return {};
  for (char c : v) {
    if (!((c >= 'a' && c <= 'z') || c == '-')) return {};
  }
  return std::string(v);
}

bool isLoopbackHost(std::string_view host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]";
}

int64_t timestampMs(const ::liaison::v1::Timestamp& t) {
  return t.seconds() * 1000 + t.nanos() / 1'000'000;
}

}  // namespace

// ---- Pure pieces ----

std::string normaliseEnrolmentCode(std::string_view code) {
  if (code.size() > 64) return {};
  std::string out;
  for (char raw : code) {
    if (raw == '-' || raw == ' ') continue;
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (kCrockford.find(c) == std::string_view::npos) return {};
    out.push_back(c);
  }
  return out.size() == kCodeSymbols ? out : std::string();
}

std::string canonicalSyncRequest(std::string_view target, std::string_view content_encoding,
                                 int64_t timestamp_ms, std::string_view nonce,
                                 std::string_view device_id, std::string_view body) {
  std::string out = "liaison-sync-request-v1\nPOST\n";
  out += target;
  out += '\n';
  out += std::to_string(timestamp_ms);
  out += '\n';
  out += toHex(nonce);
  out += '\n';
  out += device_id;
  out += '\n';
  out += lower(content_encoding);
  out += '\n';
  out += toHex(sha256(body));
  return out;
}

uint32_t pickProtocolVersion(const std::vector<uint32_t>& ours,
                             const std::vector<uint32_t>& theirs) {
  uint32_t best = 0;
  for (uint32_t v : ours) {
    if (v > best && std::find(theirs.begin(), theirs.end(), v) != theirs.end()) best = v;
  }
  return best;
}

// ---- HTTP over libcurl ----

struct SyncClient::Http {
  struct Answer {
    bool transport_ok = false;
    std::string transport_error;  // curl's text: names the failure, never the body
    long status = 0;
    std::string body;
    std::string content_type;
    std::string content_encoding;
    std::string auth_error;
    bool too_large = false;
  };

  CURL* curl = nullptr;
  std::size_t max_body = 0;
  std::atomic<bool> abort{false};
  Answer* current = nullptr;

  ~Http() {
    if (curl) curl_easy_cleanup(curl);
  }

  static size_t onBody(char* data, size_t size, size_t n, void* self) {
    auto* h = static_cast<Http*>(self);
    const size_t bytes = size * n;
    if (h->current->body.size() + bytes > h->max_body) {
      h->current->too_large = true;
      return 0;  // aborts the transfer
    }
    h->current->body.append(data, bytes);
    return bytes;
  }

  static size_t onHeader(char* data, size_t size, size_t n, void* self) {
    auto* h = static_cast<Http*>(self);
    const size_t bytes = size * n;
    std::string_view line(data, bytes);
    if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a redirect or 1xx): start over
      h->current->content_type.clear();
      h->current->content_encoding.clear();
      h->current->auth_error.clear();
      return bytes;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return bytes;
    const std::string name = lower(trim(line.substr(0, colon)));
    const std::string_view value = trim(line.substr(colon + 1));
    if (name == "content-type") h->current->content_type = lower(value.substr(0, 128));
    if (name == "content-encoding") h->current->content_encoding = lower(value.substr(0, 64));
    if (name == "liaison-auth-error") h->current->auth_error = safeToken(value);
    return bytes;
  }

  static int onProgress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<Http*>(self)->abort.load() ? 1 : 0;
  }

  Answer post(const std::string& url, const std::vector<std::string>& headers,
              const std::string& body) {
    Answer a;
    current = &a;
    curl_slist* list = nullptr;
    for (const std::string& h : headers) {
      curl_slist* next = curl_slist_append(list, h.c_str());
      if (!next) {
        curl_slist_free_all(list);
        a.transport_error = "out of memory";
        return a;
      }
      list = next;
    }
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    const CURLcode rc = curl_easy_perform(curl);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(list);
    current = nullptr;
    if (rc != CURLE_OK) {
      a.transport_error =
          a.too_large ? "the answer is larger than allowed" : curl_easy_strerror(rc);
      return a;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a.status);
    a.transport_ok = true;
    return a;
  }
};

struct SyncClient::Exchange {
  uint32_t pushed = 0;   // operations in the request
  long http_status = 0;  // 0: no answer
  bool compressed = false;
  std::string auth_error;
  std::optional<wire::SyncResponse> response;  // set when the answer is a SyncResponse
};

// ---- SyncClient ----

sync::Result<std::unique_ptr<SyncClient>> SyncClient::create(Store& store,
                                                             SyncClientOptions options) {
  if (auto st = cryptoInit(); !st.ok()) return st;
  if (options.push_chunk == 0 || options.push_chunk > sync::BatchLimits{}.max_operations) {
    return Status::InvalidArgument("push_chunk must be 1-500");
  }
  if (options.page_records == 0 || options.page_records > 1000) {
    return Status::InvalidArgument("page_records must be 1-1000");
  }
  if (options.base_url.empty() || options.base_url.size() > 2048) {
    return Status::InvalidArgument("the gateway URL must be 1-2048 characters");
  }
  if (options.max_response_bytes < (1u << 20) || options.backoff_initial_ms == 0 ||
      options.backoff_max_ms < options.backoff_initial_ms || options.interval_ms == 0) {
    return Status::InvalidArgument("sync limits out of range");
  }
  if (!options.wall_clock_ms) options.wall_clock_ms = systemMs;
  static const CURLcode global = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (global != CURLE_OK) return Status::Internal("cannot initialise libcurl");

  // Scheme, host and path of the base URL.
  CURLU* u = curl_url();
  if (!u) return Status::ResourceExhausted("out of memory");
  std::string scheme, host, path;
  bool ok = curl_url_set(u, CURLUPART_URL, options.base_url.c_str(), 0) == CURLUE_OK;
  for (auto [part, out] : {std::pair{CURLUPART_SCHEME, &scheme}, std::pair{CURLUPART_HOST, &host},
                           std::pair{CURLUPART_PATH, &path}}) {
    char* v = nullptr;
    if (ok && curl_url_get(u, part, &v, 0) == CURLUE_OK && v) {
      *out = v;
    } else if (part != CURLUPART_PATH) {
      ok = false;
    }
    curl_free(v);
  }
  curl_url_cleanup(u);
  if (!ok) return Status::InvalidArgument("the gateway URL is not a valid URL");
  scheme = lower(scheme);
  if (scheme != "https" && !(scheme == "http" && isLoopbackHost(host))) {
    return Status::InvalidArgument("the gateway URL must use https");
  }
  if (options.base_url.find_first_of("?#") != std::string::npos) {
    return Status::InvalidArgument("the gateway URL must not carry a query or fragment");
  }
  while (!path.empty() && path.back() == '/') path.pop_back();
  std::unique_ptr<SyncClient> client(new SyncClient(store, std::move(options), std::move(path)));
  Http& h = *client->http_;
  h.curl = curl_easy_init();
  if (!h.curl) return Status::ResourceExhausted("cannot create an HTTP handle");
  h.max_body = client->options_.max_response_bytes;
  CURL* c = h.curl;
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!client->options_.ca_file.empty()) {
    curl_easy_setopt(c, CURLOPT_CAINFO, client->options_.ca_file.c_str());
  }
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, client->options_.connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, client->options_.request_timeout_ms);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Http::onBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &h);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &Http::onHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &Http::onProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &h);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  return client;
}

SyncClient::SyncClient(Store& store, SyncClientOptions options, std::string target_prefix)
    : store_(store),
      options_(std::move(options)),
      target_prefix_(std::move(target_prefix)),
      http_(std::make_unique<Http>()),
      version_(sync::kProtocolVersion),
      compress_(options_.compress_requests) {}

SyncClient::~SyncClient() { stop(); }

int64_t SyncClient::signingNowMs() const {
  return static_cast<int64_t>(options_.wall_clock_ms()) + offset_ms_;
}

void SyncClient::anchor(int64_t server_ms) {
  if (server_ms <= 0) return;
  offset_ms_ = server_ms - static_cast<int64_t>(options_.wall_clock_ms());
  anchored_ = true;
}

uint64_t SyncClient::backoffMs(int failures) const {
  uint64_t d = options_.backoff_initial_ms;
  for (int i = 1; i < failures && d < options_.backoff_max_ms; ++i) d *= 2;
  return std::min(d, options_.backoff_max_ms);
}

sync::Result<SyncEnrolment> SyncClient::enrol(const std::string& code) {
  const std::string normalised = normaliseEnrolmentCode(code);
  if (normalised.empty()) {
    return Status::InvalidArgument(
        "an enrolment code is 20 letters and digits, as XXXXX-XXXXX-XXXXX-XXXXX");
  }
  std::lock_guard lock(run_mu_);
  // Checked before the gateway is asked, so an enrolled store does not use up a code.
  if (store_.deviceId().ok()) {
    return Status::Conflict("the store is enrolled already: a store belongs to one device");
  }
  std::string pk(crypto_sign_PUBLICKEYBYTES, '\0');
  std::string sk(crypto_sign_SECRETKEYBYTES, '\0');
  crypto_sign_keypair(reinterpret_cast<unsigned char*>(pk.data()),
                      reinterpret_cast<unsigned char*>(sk.data()));
  const std::string proof = signDetached(sk, "liaison-enrol-v1\n" + normalised + "\n" + toHex(pk));
  nlohmann::json req;
  req["code"] = normalised;
  req["public_key"] = base64(pk);
  req["proof"] = base64(proof);
  http_->abort = false;
  const Http::Answer a = http_->post(options_.base_url + std::string(kEnrolPath),
                                     {"Content-Type: application/json", "Expect:"}, req.dump());
  if (!a.transport_ok) {
    sodium_memzero(sk.data(), sk.size());
    return Status::Unavailable("cannot reach the gateway to enrol: " + a.transport_error);
  }
  const nlohmann::json j = a.body.size() <= kMaxEnrolAnswer
                               ? nlohmann::json::parse(a.body, nullptr, false)
                               : nlohmann::json();
  if (a.status != 201) {
    sodium_memzero(sk.data(), sk.size());
    std::string why;
    if (j.is_object() && j.contains("error") && j["error"].is_object() &&
        j["error"].contains("code") && j["error"]["code"].is_string()) {
      why = j["error"]["code"].get<std::string>();
    }
    if (why == "enrolment_code_invalid") {
      return Status::PermissionDenied("the gateway does not know this enrolment code");
    }
    if (why == "enrolment_code_expired") {
      return Status::PermissionDenied("the enrolment code has expired: ask for a new one");
    }
    if (why == "enrolment_code_used") {
      return Status::PermissionDenied("the enrolment code was used already: ask for a new one");
    }
    if (a.status >= 500 || a.status == 429) {
      return Status::Unavailable("the gateway cannot enrol now (HTTP " + std::to_string(a.status) +
                                 "): try again later");
    }
    return Status::InvalidArgument("the gateway refused the enrolment (HTTP " +
                                   std::to_string(a.status) + ")");
  }
  if (!j.is_object() || !j.contains("device_id") || !j["device_id"].is_string() ||
      !j.contains("scopes") || !j["scopes"].is_array() || j["scopes"].size() > 64) {
    sodium_memzero(sk.data(), sk.size());
    return Status::Corruption("the gateway's enrolment answer is malformed");
  }
  SyncEnrolment out;
  out.device_id = j["device_id"].get<std::string>();
  SyncCredential cred;
  for (const auto& s : j["scopes"]) {
    if (!s.is_string()) {
      sodium_memzero(sk.data(), sk.size());
      return Status::Corruption("the gateway's enrolment answer is malformed");
    }
    cred.scopes.push_back(s.get<std::string>());
  }
  std::sort(cred.scopes.begin(), cred.scopes.end());
  out.scopes = cred.scopes;
  cred.secret_key = sk;
  sodium_memzero(sk.data(), sk.size());
  if (j.contains("server_time_ms") && j["server_time_ms"].is_number_integer()) {
    anchor(j["server_time_ms"].get<int64_t>());
  }
  Status st = store_.saveEnrolment(out.device_id, cred);
  sodium_memzero(cred.secret_key.data(), cred.secret_key.size());
  if (!st.ok()) return st;
  return out;
}

sync::Status SyncClient::exchangeLocked(const SyncCredential& cred, const std::string& device_id,
                                        uint32_t push_chunk, Exchange* out) {
  auto req = store_.nextSyncRequest(push_chunk);
  if (!req.ok()) return req.status();
  req->set_protocol_version(version_);
  req->set_max_records(options_.page_records);
  out->pushed = static_cast<uint32_t>(req->push().operations_size());
  auto encoded = sync::encodeSyncRequest(std::move(req).value());
  if (!encoded.ok()) {
    return Status::Internal("the outbox holds an operation the protocol refuses: " +
                            encoded.status().message());
  }
  std::string body = std::move(encoded).value();
  std::string encoding;
  // Requests go plain unless built with LIAISON_MOBILE_ZSTD_UPLOAD: the compressor would put a
  // static phone build over 3 MB (mobile-core/CMakeLists.txt). Only ZSTD_getFrameContentSize,
  // ZSTD_decompress and ZSTD_isError are referenced then, so no compressor object is linked.
#if LIAISON_MOBILE_ZSTD_UPLOAD
  if (compress_ && body.size() >= kMinCompressedBody) {
    std::string packed(ZSTD_compressBound(body.size()), '\0');
    const size_t n = ZSTD_compress(packed.data(), packed.size(), body.data(), body.size(), 3);
    if (!ZSTD_isError(n) && n < body.size()) {
      packed.resize(n);
      body = std::move(packed);
      encoding = "zstd";
      out->compressed = true;
    }
  }
#endif
  std::array<uint8_t, 16> nonce{};
  randomBytes(nonce);
  const std::string nonce_bytes(reinterpret_cast<const char*>(nonce.data()), nonce.size());
  const std::string target = target_prefix_ + std::string(kSyncPath);
  const int64_t ts = signingNowMs();
  const std::string sig = signDetached(
      cred.secret_key, canonicalSyncRequest(target, encoding, ts, nonce_bytes, device_id, body));
  std::vector<std::string> headers = {
      "Content-Type: application/x-protobuf",
      LIAISON_MOBILE_ZSTD ? "Accept-Encoding: zstd" : "Accept-Encoding: identity",
      "Expect:",
      "Liaison-Device: " + device_id,
      "Liaison-Timestamp: " + std::to_string(ts),
      "Liaison-Nonce: " + toHex(nonce_bytes),
      "Liaison-Signature: " + base64(sig),
  };
  if (!encoding.empty()) headers.push_back("Content-Encoding: " + encoding);
  const Http::Answer a = http_->post(options_.base_url + std::string(kSyncPath), headers, body);
  if (!a.transport_ok) {
    return Status::Unavailable("cannot reach the gateway: " + a.transport_error);
  }
  out->http_status = a.status;
  out->auth_error = a.auth_error;
  if (a.content_type.rfind(kProtobuf, 0) != 0) return Status::OK();  // not a SyncResponse
  std::string decoded;
  const std::string* bytes = &a.body;
  if (a.content_encoding == "zstd") {
#if LIAISON_MOBILE_ZSTD
    const unsigned long long size = ZSTD_getFrameContentSize(a.body.data(), a.body.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
        size > options_.max_response_bytes) {
      return Status::OK();  // unusable: treated as no answer
    }
    decoded.resize(static_cast<size_t>(size));
    const size_t n = ZSTD_decompress(decoded.data(), decoded.size(), a.body.data(), a.body.size());
    if (ZSTD_isError(n) || n != decoded.size()) return Status::OK();
    bytes = &decoded;
#else
    return Status::OK();  // never asked for: treated as no answer
#endif
  } else if (!a.content_encoding.empty() && a.content_encoding != "identity") {
    return Status::OK();
  }
  wire::SyncResponse r;
  if (r.ParseFromString(*bytes)) out->response = std::move(r);
  return Status::OK();
}

sync::Status SyncClient::run(SyncReport* report) {
  std::lock_guard lock(run_mu_);
  http_->abort = false;
  SyncReport local;
  SyncReport& rep = report ? *report : local;
  rep = SyncReport{};
  retry_after_ms_ = 0;
  Status st = runLocked(&rep);
  if (auto pending = store_.pendingCount(); pending.ok()) rep.pending = *pending;
  return st;
}

sync::Status SyncClient::runLocked(SyncReport* rep) {
  auto device = store_.deviceId();
  auto cred = store_.credential();
  if (!device.ok() || !cred.ok()) {
    if (!cred.ok() && !cred.status().IsNotFound()) return cred.status();
    return Status::PermissionDenied("the device is not enrolled: enrol it with a code first");
  }
  uint32_t chunk = options_.push_chunk;
  int auth_retries = 0;
  bool scopes_checked = false;
  SyncProgress progress;
  for (int i = 0; i < options_.max_exchanges_per_run; ++i) {
    if (http_->abort) return Status::Unavailable("sync stopped");
    auto before = store_.pendingCount();
    if (!before.ok()) return before.status();
    Exchange ex;
    if (Status st = exchangeLocked(*cred, *device, chunk, &ex); !st.ok()) return st;
    if (!ex.response) {
      return Status::Unavailable("the gateway gave no usable answer (HTTP " +
                                 std::to_string(ex.http_status) + "): will retry");
    }
    ++rep->exchanges;
    const wire::SyncResponse& r = *ex.response;
    if (r.has_server_time()) anchor(timestampMs(r.server_time()));
    switch (r.status()) {
      case wire::ERROR_CODE_OK:
      case wire::ERROR_CODE_SEQUENCE_GAP: break;
      case wire::ERROR_CODE_UNAUTHENTICATED:
        // stale-timestamp: anchored above on the refusal's server time; replayed: a fresh
        // nonce. Either way sign again, a bounded number of times.
        if ((ex.auth_error == "stale-timestamp" || ex.auth_error == "replayed") &&
            ++auth_retries <= kMaxAuthRetries) {
          continue;
        }
        return Status::PermissionDenied(
            "the gateway did not accept this device's signature" +
            (ex.auth_error.empty() ? std::string() : " (" + ex.auth_error + ")") +
            ": enrol the device again");
      case wire::ERROR_CODE_DEVICE_REVOKED:
        return Status::PermissionDenied(
            "the gateway revoked this device: its records are kept; enrol it again to sync");
      case wire::ERROR_CODE_SCOPE_FORBIDDEN: {
        // Drop the cursors of scopes outside the grant, then sync again (section 7).
        auto followed = store_.followedScopes();
        if (!followed.ok()) return followed.status();
        bool dropped = false;
        for (const std::string& s : *followed) {
          if (!std::binary_search(cred->scopes.begin(), cred->scopes.end(), s)) {
            if (Status st = store_.unfollowScope(s); !st.ok()) return st;
            dropped = true;
          }
        }
        if (dropped && !scopes_checked) {
          scopes_checked = true;
          continue;
        }
        return Status::PermissionDenied("the gateway refuses a scope granted to this device");
      }
      case wire::ERROR_CODE_UNSUPPORTED_VERSION: {
        const std::vector<uint32_t> theirs(r.supported_versions().begin(),
                                           r.supported_versions().end());
        const uint32_t v = pickProtocolVersion({sync::kProtocolVersion}, theirs);
        if (v != 0 && v != version_) {
          version_ = v;  // kept until the client goes: the next session asks again
          continue;
        }
        return Status::Unsupported(
            "the gateway speaks no sync protocol version this app does: update the app");
      }
      case wire::ERROR_CODE_SERVER_BUSY:
        retry_after_ms_ = r.has_retry_after()
                              ? static_cast<uint64_t>(std::max<int64_t>(
                                    0, std::min<int64_t>(r.retry_after().seconds(), 86'400))) *
                                    1000
                              : 0;
        return Status::Unavailable("the gateway is busy: will retry");
      case wire::ERROR_CODE_BATCH_INVALID:
        if (ex.http_status == 415 && ex.compressed) {
          compress_ = false;  // the gateway does not take zstd bodies
          continue;
        }
        if (ex.pushed > 1 && chunk > 1) {
          chunk = std::max<uint32_t>(1, ex.pushed / 2);  // maybe a size limit: split
          continue;
        }
        return Status::Internal(
            "the gateway refuses the next outbox operation as invalid: please report this bug");
      default: return Status::Unavailable("the gateway answered with an unknown status");
    }
    auth_retries = 0;
    // A page cut in transit fails its seal: fetch it again (nothing was applied).
    if (r.status() == wire::ERROR_CODE_OK && !sync::verifyPage(r).ok()) {
      return Status::Unavailable("a page arrived damaged: will fetch it again");
    }
    auto applied = store_.applySyncResponse(r);
    if (!applied.ok()) return applied.status();
    auto after = store_.pendingCount();
    if (!after.ok()) return after.status();
    const uint64_t sent = *before > *after ? static_cast<uint64_t>(*before - *after) : 0;
    const uint64_t received = static_cast<uint64_t>(
        applied->forms_stored + applied->forms_invalid + applied->inbox_items_stored +
        applied->entity_ops_stored + applied->other_records_stored);
    rep->sent += sent;
    rep->received += received;
    for (SyncRejection& j : applied->rejections) rep->rejected.push_back(std::move(j));
    if (options_.progress) {
      progress.phase = *after > 0 ? SyncProgress::Phase::Push : SyncProgress::Phase::Pull;
      progress.sent = rep->sent;
      progress.received = rep->received;
      progress.pending = *after;
      progress.exchanges = rep->exchanges;
      options_.progress(progress);
    }
    if (applied->resend_from != 0) continue;  // the outbox resends from the gateway's hwm
    if (*after > 0) {
      if (sent == 0 && !applied->more) {
        return Status::Unavailable("the gateway acknowledged nothing: will retry");
      }
      continue;
    }
    if (applied->more) continue;
    return Status::OK();
  }
  return Status::Unavailable("the run reached its exchange limit: will continue later");
}

// ---- Background worker ----

void SyncClient::start() {
  std::lock_guard lock(worker_mu_);
  if (worker_.joinable()) return;
  stopping_ = false;
  triggered_ = true;  // first run now
  state_.running = true;
  worker_ = std::thread([this] { workerLoop(); });
}

void SyncClient::stop() {
  std::thread t;
  {
    std::lock_guard lock(worker_mu_);
    if (!worker_.joinable()) return;
    stopping_ = true;
    http_->abort = true;  // cuts a transfer in progress short
    t = std::move(worker_);
  }
  worker_cv_.notify_all();
  t.join();
  std::lock_guard lock(worker_mu_);
  state_.running = false;
}

void SyncClient::trigger() {
  {
    std::lock_guard lock(worker_mu_);
    triggered_ = true;
  }
  worker_cv_.notify_all();
}

void SyncClient::setProgress(std::function<void(const SyncProgress&)> progress) {
  std::lock_guard lock(run_mu_);
  options_.progress = std::move(progress);
}

void SyncClient::setInterval(uint64_t interval_ms) {
  std::lock_guard lock(worker_mu_);
  options_.interval_ms = std::max<uint64_t>(interval_ms, 1000);
}

SyncClient::WorkerState SyncClient::workerState() {
  std::lock_guard lock(worker_mu_);
  return state_;
}

void SyncClient::workerLoop() {
  std::unique_lock lock(worker_mu_);
  std::optional<uint64_t> delay_ms;  // nullopt: wait for trigger() only
  for (;;) {
    const auto wake = [this] { return stopping_ || triggered_; };
    if (delay_ms) {
      worker_cv_.wait_for(lock, std::chrono::milliseconds(*delay_ms), wake);
    } else {
      worker_cv_.wait(lock, wake);
    }
    if (stopping_) return;
    triggered_ = false;
    lock.unlock();
    SyncReport report;
    const Status st = run(&report);
    lock.lock();
    ++state_.runs;
    state_.last_status = st;
    state_.last_report = report;
    if (st.ok()) {
      state_.consecutive_failures = 0;
      delay_ms = options_.interval_ms;
    } else if (st.code() == Status::Code::Unavailable) {
      ++state_.consecutive_failures;
      uint64_t d = backoffMs(state_.consecutive_failures);
      {
        std::lock_guard run_lock(run_mu_);
        d = std::max(d, std::min(retry_after_ms_, options_.backoff_max_ms));
      }
      // Jitter: a uniform pick in [d/2, d], so phones cut off together do not retry together.
      const uint64_t half = d / 2;
      delay_ms = half + randombytes_uniform(
                            static_cast<uint32_t>(std::min<uint64_t>(half, UINT32_MAX - 1) + 1));
    } else {
      // Revoked, refused signature, app update needed, local storage trouble: retrying on a
      // timer cannot help. Wait until the app asks again.
      ++state_.consecutive_failures;
      delay_ms.reset();
    }
    if (options_.on_worker_run) {
      lock.unlock();
      options_.on_worker_run(st, report);
      lock.lock();
    }
  }
}

}  // namespace liaison::mobile
