// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// SyncService: the sync endpoint. The handler refuses what it can before it takes the store
// mutex (auth, size caps, decode, version, scopes); the exchange itself is one transaction
// whose commit comes before the response exists, so an acknowledgement is never ahead of
// the disk (promise 1).
#include "sync/sync_service.h"

#include <zstd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <tuple>
#include <utility>

#include "outreach/normalize.h"
#include "outreach/time_zones.h"
#include "sms/phone_number.h"
#include "store/sqlite_campaign_store.h"
#include "store/sqlite_contact_store.h"
#include "store/sqlite_response_store.h"
#include "util/log.h"

namespace liaison::gateway::sync {

namespace {

using engine::Status;
namespace pb = ::liaison::v1;

constexpr std::size_t kMaxEnrolBody = 16 * 1024;
constexpr std::size_t kMaxText = 512;  // names, regions, cities, groups, custom values

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

void setTimestamp(pb::Timestamp* t, std::int64_t ms) {
  t->set_seconds(ms / 1000);
  t->set_nanos(static_cast<std::int32_t>((ms % 1000) * 1'000'000));
}

api::HttpResponse jsonResponse(int status, std::string body) {
  api::HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

api::HttpResponse jsonError(int status, std::string_view code, std::string_view message) {
  nlohmann::json j;
  j["error"] = {{"code", code}, {"message", message}};
  return jsonResponse(status, j.dump());
}

api::HttpResponse methodNotAllowed() {
  api::HttpResponse r = jsonError(405, "method_not_allowed", "use POST");
  r.headers.emplace_back("Allow", "POST");
  return r;
}

// A rejection the gateway adds at apply time (the record does not fit the outreach data).
struct Refused {
  std::string detail;  // PII-free; empty: accepted
};

bool cleanText(std::string_view s) {
  return s.size() <= kMaxText && gateway::outreach::isCleanUtf8(s);
}

// Cuts `text` to at most `max` code points (never inside a UTF-8 sequence).
std::string cutCodePoints(std::string_view text, std::size_t max, bool* truncated) {
  std::size_t points = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0u) == 0x80u) continue;
    if (points == max) {
      *truncated = true;
      return std::string(text.substr(0, i));
    }
    ++points;
  }
  *truncated = false;
  return std::string(text);
}

// A registration becomes (or updates) a contact with its consent, and the device's contact id
// is linked to it so later poll answers naming that id find the contact.
std::error_code projectRegistration(SqliteSyncStore& sync_store, store::ContactStore& contacts,
                                    const DeviceRecord& device, const wire::SubmissionOp& sub,
                                    std::int64_t now_ms, Refused* refused) {
  const pb::Registration& reg = sub.registration();
  const pb::Contact& pc = reg.contact();
  auto refuse = [refused](std::string_view why) {
    refused->detail = std::string(why);
    return std::error_code();
  };
  std::string country;
  if (!pc.location().country().empty()) {
    auto c = gateway::outreach::canonicalCountry(pc.location().country());
    if (!c) return refuse("record: registration country is not an ISO 3166-1 code");
    country = *c;
  }
  const sms::ParsedPhone phone = sms::parsePhoneNumber(pc.phone_e164(), country);
  if (!phone.ok()) return refuse("record: registration phone number is not valid");
  store::Contact c;
  c.tenant_id = device.tenant_id;
  c.phone_e164 = phone.e164;
  if (!cleanText(pc.display_name()) || !cleanText(pc.location().region()) ||
      !cleanText(pc.location().city())) {
    return refuse("record: registration text is not clean UTF-8 or too long");
  }
  c.display_name = pc.display_name();
  c.country = country;
  c.region = pc.location().region();
  c.city = pc.location().city();
  if (!pc.language().empty()) {
    auto lang = gateway::outreach::canonicalLanguage(pc.language());
    if (!lang) return refuse("record: registration language is not a BCP 47 tag");
    c.language = *lang;
  }
  store::ContactUpdate update;
  update.display_name = !c.display_name.empty();
  update.language = !c.language.empty();
  update.country = !c.country.empty();
  update.region = !c.region.empty();
  update.city = !c.city.empty();
  if (!pc.time_zone().empty()) {
    if (!gateway::outreach::isKnownTimeZone(pc.time_zone())) {
      return refuse("record: registration time zone is unknown");
    }
    c.time_zone = pc.time_zone();
    c.time_zone_overridden = pc.time_zone_overridden();
    update.time_zone = pc.time_zone_overridden() ? store::ContactUpdate::TimeZone::Set
                                                 : store::ContactUpdate::TimeZone::IfDerived;
  } else {
    c.time_zone =
        std::string(!country.empty() ? gateway::outreach::defaultTimeZone(country, c.region)
                                     : gateway::outreach::defaultTimeZone(phone.region));
    update.time_zone = !country.empty() ? store::ContactUpdate::TimeZone::IfDerived
                                        : store::ContactUpdate::TimeZone::Keep;
  }
  switch (pc.status()) {
    case pb::CONTACT_STATUS_OPTED_OUT: c.status = store::ContactStatus::OptedOut; break;
    case pb::CONTACT_STATUS_INVALID: c.status = store::ContactStatus::Invalid; break;
    default: c.status = store::ContactStatus::Active; break;
  }
  // Opt-out is absolute: the upsert keeps an opted-out contact opted out whatever we write.
  update.status = true;
  for (const pb::CustomField& f : pc.custom_fields()) {
    auto key = gateway::outreach::canonicalCustomKey(f.key());
    if (!key) return refuse("record: registration custom field key is malformed");
    auto add = [&](std::string value) {
      c.fields.push_back(store::FieldValue{*key, std::move(value)});
    };
    switch (f.value_case()) {
      case pb::CustomField::kText:
        if (!cleanText(f.text())) return refuse("record: registration text is not clean UTF-8");
        add(f.text());
        break;
      case pb::CustomField::kNumber: {
        if (!std::isfinite(f.number())) return refuse("record: registration number not finite");
        std::string n = std::to_string(f.number());
        n.erase(n.find_last_not_of('0') + 1);
        if (!n.empty() && n.back() == '.') n.pop_back();
        add(std::move(n));
        break;
      }
      case pb::CustomField::kFlag: add(f.flag() ? "true" : "false"); break;
      case pb::CustomField::kWords:
        for (const std::string& w : f.words().values()) {
          if (w.empty() || !cleanText(w)) return refuse("record: registration text is not clean");
          add(w);
        }
        break;
      case pb::CustomField::VALUE_NOT_SET: break;
    }
    update.field_keys.push_back(*key);
  }
  std::sort(c.fields.begin(), c.fields.end(), [](const auto& a, const auto& b) {
    return std::tie(a.key, a.value) < std::tie(b.key, b.value);
  });
  c.fields.erase(std::unique(c.fields.begin(), c.fields.end()), c.fields.end());
  std::sort(update.field_keys.begin(), update.field_keys.end());
  update.field_keys.erase(std::unique(update.field_keys.begin(), update.field_keys.end()),
                          update.field_keys.end());
  // Groups are added to, never replaced: a registration drive does not know the others.
  store::Contact existing;
  const std::error_code found = contacts.find(device.tenant_id, c.phone_e164, &existing);
  if (found && found != store::StoreErrc::NotFound) return found;
  std::set<std::string> groups(existing.groups.begin(), existing.groups.end());
  for (const std::string& g : pc.groups()) {
    if (g.empty() || !cleanText(g)) return refuse("record: registration group is malformed");
    groups.insert(g);
  }
  c.groups.assign(groups.begin(), groups.end());
  update.groups = !pc.groups().empty();

  const pb::ConsentRecord& pk = reg.consent();
  const int channel = static_cast<int>(pk.channel());
  if (channel < 1 || channel > 5) return refuse("record: consent channel unknown");
  if (pk.wording_version().empty() || !cleanText(pk.wording_version()) ||
      !cleanText(pk.language()) || !cleanText(pk.recorded_by())) {
    return refuse("record: consent needs a clean wording version");
  }
  store::Consent consent;
  consent.given_at =
      pk.has_given_at() && pk.given_at().seconds() > 0 ? pk.given_at().seconds() : now_ms / 1000;
  consent.channel = static_cast<store::ConsentChannel>(channel);
  consent.wording_version = pk.wording_version();
  consent.language = pk.language();
  consent.recorded_by = pk.recorded_by().empty() ? device.device_id : pk.recorded_by();
  if (pk.has_withdrawn_at() && pk.withdrawn_at().seconds() > 0) {
    consent.withdrawn_at = pk.withdrawn_at().seconds();
  }
  c.consents.push_back(std::move(consent));
  update.consents = true;

  store::UpsertOutcome outcome{};
  if (auto ec = contacts.upsert(c, update, now_ms / 1000, &outcome)) {
    if (ec == store::StoreErrc::InvalidArgument || ec == store::StoreErrc::Constraint) {
      return refuse("record: registration refused by the contact store");
    }
    return ec;
  }
  store::Contact stored;
  if (auto ec = contacts.findBasic(device.tenant_id, c.phone_e164, &stored)) return ec;
  return sync_store.linkContact(device.tenant_id, sub.submission_id(), stored.id);
}

// An offline poll answer is stored like an SMS answer (same table, same results), under the
// contact's pseudonym for the campaign, with source FieldDevice.
std::error_code projectPollResponse(SqliteSyncStore& sync_store, store::CampaignStore& campaigns,
                                    store::ResponseStore& responses, const DeviceRecord& device,
                                    const wire::Operation& op, std::int64_t now_ms,
                                    Refused* refused) {
  const pb::PollResponse& pr = op.submission().poll_response();
  auto refuse = [refused](std::string_view why) {
    refused->detail = std::string(why);
    return std::error_code();
  };
  store::CampaignRecord campaign;
  if (auto ec = campaigns.get(device.tenant_id, pr.campaign_id(), &campaign)) {
    if (ec == store::StoreErrc::NotFound) return refuse("record: poll answer names no campaign");
    return ec;
  }
  if (campaign.kind != store::CampaignKind::Poll || !campaign.definition.has_poll()) {
    return refuse("record: poll answer names a campaign that is not a poll");
  }
  const pb::Question* question = nullptr;
  for (const pb::Question& q : campaign.definition.poll().questions()) {
    if (q.id() == pr.question_id()) question = &q;
  }
  if (question == nullptr) return refuse("record: poll answer names no question of the poll");

  store::AnswerRecord a;
  a.campaign_id = pr.campaign_id();
  a.question_id = pr.question_id();
  a.source = store::AnswerSource::FieldDevice;
  const char* misfit = "record: poll answer does not fit the question";
  switch (question->kind_case()) {
    case pb::Question::kSingleChoice: {
      if (pr.answer_case() != pb::PollResponse::kChoiceId) return refuse(misfit);
      const auto& choices = question->single_choice().choices();
      if (std::none_of(choices.begin(), choices.end(),
                       [&](const pb::Choice& ch) { return ch.id() == pr.choice_id(); })) {
        return refuse(misfit);
      }
      a.kind = store::AnswerKind::Choice;
      a.choice_id = pr.choice_id();
      break;
    }
    case pb::Question::kYesNo:
      if (pr.answer_case() != pb::PollResponse::kYes) return refuse(misfit);
      a.kind = store::AnswerKind::YesNo;
      a.choice_id = pr.yes() ? "yes" : "no";
      a.number = pr.yes() ? 1.0 : 0.0;
      break;
    case pb::Question::kNumber: {
      const pb::NumberQuestion& nq = question->number();
      const double v = pr.number();
      if (pr.answer_case() != pb::PollResponse::kNumber || !std::isfinite(v)) return refuse(misfit);
      if (nq.max() > nq.min() && (v < nq.min() || v > nq.max())) return refuse(misfit);
      if (nq.integer_only() && v != std::floor(v)) return refuse(misfit);
      a.kind = store::AnswerKind::Number;
      a.number = v;
      break;
    }
    case pb::Question::kFreeText: {
      if (pr.answer_case() != pb::PollResponse::kText ||
          !gateway::outreach::isCleanUtf8(pr.text())) {
        return refuse(misfit);
      }
      const int max = question->free_text().max_chars();
      a.kind = store::AnswerKind::Text;
      a.text =
          cutCodePoints(pr.text(), max > 0 ? static_cast<std::size_t>(max) : 1600, &a.truncated);
      break;
    }
    case pb::Question::KIND_NOT_SET: return refuse(misfit);
  }
  if (pr.respondent().empty()) return refuse("record: poll answer without respondent");
  std::int64_t contact_id = 0;
  if (auto ec = sync_store.contactForUuid(device.tenant_id, pr.respondent(), &contact_id)) {
    if (ec == store::StoreErrc::NotFound) return refuse("record: poll answer names no contact");
    return ec;
  }
  if (auto ec = campaigns.pseudonymFor(pr.campaign_id(), contact_id, &a.pseudonym)) {
    if (ec == store::StoreErrc::NotFound) return refuse("record: poll answer names no contact");
    return ec;
  }
  if (pr.has_answered_at() && pr.answered_at().seconds() > 0) {
    a.answered_at = pr.answered_at().seconds();
  } else if (op.has_claimed_at() && op.claimed_at().seconds() > 0) {
    a.answered_at = op.claimed_at().seconds();
  } else {
    a.answered_at = now_ms / 1000;
  }
  return responses.putAnswer(a);
}

SubmissionKind kindOf(const wire::SubmissionOp& s) {
  switch (s.record_case()) {
    case wire::SubmissionOp::kRegistration: return SubmissionKind::Registration;
    case wire::SubmissionOp::kPollResponse: return SubmissionKind::PollResponse;
    default: return SubmissionKind::Form;
  }
}

bool consumed(engine::OpOutcome o) {
  return o != engine::OpOutcome::Replay && o != engine::OpOutcome::Deferred;
}

}  // namespace

// ---- Content coding ----

engine::Result<std::string> decodeContent(std::string_view content_encoding, std::string_view body,
                                          std::size_t max_decoded) {
  const std::string encoding = lower(gateway::outreach::trim(content_encoding));
  if (encoding.empty() || encoding == "identity") {
    if (body.size() > max_decoded) return Status::ResourceExhausted("content: body too large");
    return std::string(body);
  }
  if (encoding != "zstd") return Status::InvalidArgument("content: unsupported encoding");
  const unsigned long long declared = ZSTD_getFrameContentSize(body.data(), body.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) return Status::Corruption("content: not a zstd frame");
  if (declared == ZSTD_CONTENTSIZE_UNKNOWN) {
    return Status::InvalidArgument("content: zstd frame does not declare its size");
  }
  // The cap is checked on the declared size, before allocating anything for the output.
  if (declared > max_decoded) return Status::ResourceExhausted("content: decoded body too large");
  const std::size_t frame = ZSTD_findFrameCompressedSize(body.data(), body.size());
  if (ZSTD_isError(frame) || frame != body.size()) {
    return Status::Corruption("content: not exactly one zstd frame");
  }
  std::string out(static_cast<std::size_t>(declared), '\0');
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  if (dctx == nullptr) return Status::Internal("content: out of memory");
  // Single-pass decoding writes straight into `out`; the window limit is belt and braces.
  ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, 23);
  const std::size_t n = ZSTD_decompressDCtx(dctx, out.data(), out.size(), body.data(), body.size());
  ZSTD_freeDCtx(dctx);
  if (ZSTD_isError(n) || n != out.size()) {
    return Status::Corruption("content: zstd frame does not decode to its declared size");
  }
  return out;
}

std::string zstdCompress(std::string_view data, int level) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  if (ZSTD_isError(n)) return {};
  out.resize(n);
  return out;
}

int httpStatusFor(wire::ErrorCode code) {
  switch (code) {
    case wire::ERROR_CODE_OK:
    case wire::ERROR_CODE_SEQUENCE_GAP: return 200;
    case wire::ERROR_CODE_UNSUPPORTED_VERSION:
    case wire::ERROR_CODE_BATCH_INVALID: return 400;
    case wire::ERROR_CODE_UNAUTHENTICATED: return 401;
    case wire::ERROR_CODE_DEVICE_REVOKED:
    case wire::ERROR_CODE_SCOPE_FORBIDDEN: return 403;
    case wire::ERROR_CODE_SERVER_BUSY: return 503;
    default: return 500;
  }
}

// ---- SyncService ----

struct SyncService::Exchange {
  enum class Refusal { None, Revoked, Replayed, Crashed };
  Refusal refusal = Refusal::None;
  wire::SyncResponse response;
};

SyncService::SyncService(store::SqliteStore& store, std::mutex& store_mutex,
                         SyncServiceOptions options, DeviceAuthOptions auth_options)
    : store_(store),
      mu_(store_mutex),
      options_(std::move(options)),
      auth_(store.database(), store_mutex, std::move(auth_options)),
      clock_([this] { return static_cast<std::uint64_t>(std::max<std::int64_t>(wall_now_ms_, 0)); },
             options_.skew_flag_ms) {
  if (options_.protocol_versions.empty()) {
    const auto v = engine::supportedProtocolVersions();
    options_.protocol_versions.assign(v.begin(), v.end());
  }
  std::lock_guard lock(mu_);
  SqliteSyncStore sync_store(store_.database());
  engine::HlcTimestamp last;
  if (auto ec = sync_store.loadServerClock(&last)) {
    throw std::runtime_error("sync: cannot load the gateway clock: " + ec.message());
  }
  clock_.restore(last);
}

std::int64_t SyncService::now() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool SyncService::acceptsVersion(std::uint32_t version) const {
  const auto codec = engine::supportedProtocolVersions();
  return std::find(options_.protocol_versions.begin(), options_.protocol_versions.end(), version) !=
             options_.protocol_versions.end() &&
         std::find(codec.begin(), codec.end(), version) != codec.end();
}

api::HttpResponse SyncService::refuse(wire::ErrorCode code, int http_status, std::int64_t now_ms,
                                      std::string_view auth_error) const {
  wire::SyncResponse r;
  r.set_protocol_version(engine::kProtocolVersion);
  r.set_status(code);
  setTimestamp(r.mutable_server_time(), now_ms);
  api::HttpResponse out;
  out.status = http_status;
  out.content_type = std::string(kProtobufContentType);
  if (code == wire::ERROR_CODE_SERVER_BUSY) {
    r.mutable_retry_after()->set_seconds(options_.retry_after_ms / 1000);
    out.headers.emplace_back("Retry-After", std::to_string(options_.retry_after_ms / 1000));
  }
  if (!auth_error.empty()) out.headers.emplace_back(kHeaderAuthError, std::string(auth_error));
  r.SerializeToString(&out.body);
  return out;
}

api::HttpResponse SyncService::versionRefusal(std::int64_t now_ms) const {
  wire::SyncResponse r;
  r.set_protocol_version(options_.protocol_versions.front());
  r.set_status(wire::ERROR_CODE_UNSUPPORTED_VERSION);
  for (std::uint32_t v : options_.protocol_versions) r.add_supported_versions(v);
  setTimestamp(r.mutable_server_time(), now_ms);
  api::HttpResponse out;
  out.status = httpStatusFor(wire::ERROR_CODE_UNSUPPORTED_VERSION);
  out.content_type = std::string(kProtobufContentType);
  r.SerializeToString(&out.body);
  return out;
}

api::HttpResponse SyncService::respond(const wire::SyncResponse& response, int http_status,
                                       const api::HttpRequest& request) const {
  api::HttpResponse out;
  out.status = http_status;
  out.content_type = std::string(kProtobufContentType);
  response.SerializeToString(&out.body);
  const std::string accept = lower(request.header("Accept-Encoding"));
  if (accept.find("zstd") != std::string::npos &&
      out.body.size() >= options_.min_compressed_response) {
    std::string packed = zstdCompress(out.body, options_.response_zstd_level);
    if (!packed.empty() && packed.size() < out.body.size()) {
      out.body = std::move(packed);
      out.headers.emplace_back("Content-Encoding", "zstd");
    }
  }
  return out;
}

api::HttpResponse SyncService::handleSync(const api::HttpRequest& request) {
  return handleSync(request, now());
}

api::HttpResponse SyncService::handleSync(const api::HttpRequest& request, std::int64_t now_ms) {
  if (request.method != "POST") return methodNotAllowed();
  const std::string content_type = lower(request.header("Content-Type"));
  if (!content_type.empty() && content_type.rfind(kProtobufContentType, 0) != 0) {
    return refuse(wire::ERROR_CODE_BATCH_INVALID, 415, now_ms);
  }
  // Size first: an oversized body is not even hashed for the signature check.
  if (request.body.size() > options_.max_body_bytes) {
    return refuse(wire::ERROR_CODE_BATCH_INVALID, 413, now_ms);
  }
  AuthHeaders headers;
  DeviceRecord device;
  if (auto ec = auth_.authenticate(request, now_ms, &headers, &device)) {
    if (ec == DeviceAuthErrc::Revoked) {
      return refuse(wire::ERROR_CODE_DEVICE_REVOKED, 403, now_ms, deviceAuthErrorToken(ec));
    }
    if (ec.category() == deviceAuthCategory()) {
      return refuse(wire::ERROR_CODE_UNAUTHENTICATED, 401, now_ms, deviceAuthErrorToken(ec));
    }
    log::warn("sync.store_error", {{"step", "auth"}, {"error", ec.message()}});
    return refuse(wire::ERROR_CODE_SERVER_BUSY, 503, now_ms);
  }
  auto decoded = decodeContent(request.header("Content-Encoding"), request.body,
                               options_.limits.max_request_bytes);
  if (!decoded.ok()) {
    const auto code = decoded.status().code();
    return refuse(wire::ERROR_CODE_BATCH_INVALID,
                  code == Status::Code::ResourceExhausted ? 413
                  : code == Status::Code::InvalidArgument ? 415
                                                          : 400,
                  now_ms);
  }
  const std::string& body = decoded.value();
  auto parsed = engine::decodeSyncRequest(
      std::span(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()), options_.limits);
  if (!parsed.ok()) {
    if (engine::errorCodeForDecode(parsed.status()) == wire::ERROR_CODE_UNSUPPORTED_VERSION) {
      return versionRefusal(now_ms);
    }
    return refuse(wire::ERROR_CODE_BATCH_INVALID, 400, now_ms);
  }
  const wire::SyncRequest& req = parsed.value();
  if (!acceptsVersion(req.protocol_version())) return versionRefusal(now_ms);
  if (req.device_id() != device.device_id) {
    return refuse(wire::ERROR_CODE_UNAUTHENTICATED, 401, now_ms, "device-mismatch");
  }
  for (const wire::Cursor& c : req.cursors()) {
    if (!std::binary_search(device.scopes.begin(), device.scopes.end(), c.scope())) {
      return refuse(wire::ERROR_CODE_SCOPE_FORBIDDEN, 403, now_ms);
    }
  }
  Exchange ex;
  if (auto ec = exchange(device, headers, req, now_ms, &ex)) {
    log::warn("sync.store_error", {{"step", "exchange"}, {"error", ec.message()}});
    return refuse(wire::ERROR_CODE_SERVER_BUSY, 503, now_ms);
  }
  switch (ex.refusal) {
    case Exchange::Refusal::None: break;
    case Exchange::Refusal::Revoked:
      return refuse(wire::ERROR_CODE_DEVICE_REVOKED, 403, now_ms,
                    deviceAuthErrorToken(DeviceAuthErrc::Revoked));
    case Exchange::Refusal::Replayed:
      return refuse(wire::ERROR_CODE_UNAUTHENTICATED, 401, now_ms,
                    deviceAuthErrorToken(DeviceAuthErrc::Replayed));
    case Exchange::Refusal::Crashed: {
      api::HttpResponse dead;
      dead.status = 500;
      dead.content_type = "text/plain";
      return dead;
    }
  }
  return respond(ex.response, httpStatusFor(ex.response.status()), request);
}

std::error_code SyncService::exchange(const DeviceRecord& signer, const AuthHeaders& headers,
                                      const wire::SyncRequest& request, std::int64_t now_ms,
                                      Exchange* out) {
  std::lock_guard lock(mu_);
  wall_now_ms_ = now_ms;
  SqliteSyncStore store(store_.database());
  store::Transaction txn(store_.database());
  if (auto ec = txn.begin()) return ec;
  // Read again inside the transaction: a revocation between the signature check and now
  // still applies to this request.
  DeviceRecord device;
  if (auto ec = store.findDevice(signer.device_id, &device)) return ec;
  if (device.revoked_ms.has_value()) {
    out->refusal = Exchange::Refusal::Revoked;
    return {};
  }
  bool fresh = false;
  if (auto ec = store.insertNonce(device.device_id, headers.nonce, now_ms, &fresh)) return ec;
  if (!fresh) {
    out->refusal = Exchange::Refusal::Replayed;
    return {};
  }
  if (auto ec = store.purgeNonces(now_ms - 2 * auth_.options().max_clock_skew_ms)) return ec;

  wire::SyncResponse& resp = out->response;
  resp.set_protocol_version(request.protocol_version());
  resp.set_status(wire::ERROR_CODE_OK);
  if (auto ec = pushLocked(store, device, request, now_ms, out)) return ec;
  if (resp.status() == wire::ERROR_CODE_OK) {
    if (auto ec = pullLocked(store, device, request, &resp)) return ec;
  }
  const engine::HlcTimestamp server = clock_.now();
  resp.mutable_server_clock()->set_wall_ms(server.wall_ms);
  resp.mutable_server_clock()->set_logical(server.logical);
  setTimestamp(resp.mutable_server_time(), now_ms);
  if (request.has_device_time()) {
    const std::int64_t device_ms =
        request.device_time().seconds() * 1000 + request.device_time().nanos() / 1'000'000;
    const std::uint64_t skew = device_ms > now_ms ? static_cast<std::uint64_t>(device_ms - now_ms)
                                                  : static_cast<std::uint64_t>(now_ms - device_ms);
    resp.set_clock_skew_flagged(skew > options_.skew_flag_ms);
  }
  if (auto ec =
          store.touchDevice(device.device_id, now_ms,
                            {request.device_clock().wall_ms(), request.device_clock().logical()})) {
    return ec;
  }
  // The device's outbox depth, for the officers' view only. Outside input that decides
  // nothing, so a value over the bound is stored as the bound ("at least") rather than
  // refusing a request that may carry records; absent (an older app) leaves the last report.
  if (request.has_pending_operations()) {
    if (auto ec = store.setOutboxDepth(
            device.device_id, std::min(request.pending_operations(), kMaxOutboxDepth), now_ms)) {
      return ec;
    }
  }
  if (auto ec = store.saveServerClock(clock_.last())) return ec;
  if (options_.fault_for_test && options_.fault_for_test(FaultPoint::BeforeCommit)) {
    out->refusal = Exchange::Refusal::Crashed;
    return {};  // the Transaction rolls back as it goes out of scope
  }
  if (auto ec = txn.commit()) return ec;
  if (options_.fault_for_test && options_.fault_for_test(FaultPoint::AfterCommit)) {
    out->refusal = Exchange::Refusal::Crashed;
  }
  return {};
}

std::error_code SyncService::pushLocked(SqliteSyncStore& store, const DeviceRecord& device,
                                        const wire::SyncRequest& request, std::int64_t now_ms,
                                        Exchange* out) {
  wire::SyncResponse& resp = out->response;
  const std::uint64_t previous = device.hwm;
  std::vector<const wire::Operation*> ops;
  ops.reserve(static_cast<std::size_t>(request.push().operations_size()));
  for (const wire::Operation& op : request.push().operations()) ops.push_back(&op);
  if (ops.empty()) {
    resp.mutable_ack()->set_applied_through_seq(previous);
    return {};
  }
  engine::StagedState staged;
  staged.device_hwm = previous;
  if (auto ec = store.stage(device.tenant_id, engine::stageKeys(ops), &staged)) return ec;
  engine::MergeOptions merge_options;
  merge_options.now_ms = static_cast<std::uint64_t>(now_ms);
  merge_options.skew_flag_ms = options_.skew_flag_ms;
  engine::Plan plan = engine::computePlan(staged, ops, merge_options);
  if (plan.resend_from != 0) {
    // A gap: nothing in the batch applies (section 4).
    resp.set_status(wire::ERROR_CODE_SEQUENCE_GAP);
    resp.set_resend_from_seq(plan.resend_from);
    resp.mutable_ack()->set_applied_through_seq(previous);
    return {};
  }
  if (auto ec = projectLocked(device, ops, &plan, now_ms)) return ec;

  const std::string& tenant = device.tenant_id;
  for (const engine::EntityWrite& w : plan.entity_writes) {
    if (auto ec = store.putEntity(tenant, w)) return ec;
  }
  for (const engine::SubmissionInsert& ins : plan.submission_inserts) {
    const wire::Operation& op = *ops[ins.op_index];
    if (auto ec = store.insertSubmission(tenant, ins.id, ins.content_hash, kindOf(op.submission()),
                                         op.submission().SerializeAsString(), device.device_id,
                                         op.device_seq(), now_ms)) {
      return ec;
    }
  }
  for (const engine::ReviewFlag& f : plan.review_flags) {
    if (auto ec = store.insertReviewFlag(tenant, f, now_ms)) return ec;
  }
  for (const engine::OpResult& r : plan.results) {
    if (!consumed(r.outcome)) continue;
    if (auto ec = store.recordOp(device.device_id,
                                 OpRecord{r.device_seq, r.outcome, r.code, r.detail}, now_ms)) {
      return ec;
    }
  }
  if (plan.new_hwm.has_value()) {
    if (auto ec = store.setDeviceHwm(device.device_id, *plan.new_hwm)) return ec;
  }
  // Accepted shared-entity operations are relayed so every replica of the team merges the
  // same inputs (section 7). Submissions stay on the gateway.
  std::vector<wire::PublishedRecord> relay;
  for (std::size_t i : plan.relay) {
    if (plan.results[i].outcome != engine::OpOutcome::Applied) continue;
    if (ops[i]->payload_case() == wire::Operation::kSubmission) continue;
    *relay.emplace_back().mutable_operation() = *ops[i];
  }
  if (!relay.empty()) {
    std::uint64_t last = 0;
    if (auto ec = store.append(tenant, teamScope(device.team), relay, now_ms, &last)) return ec;
  }
  // The gateway's clock moves past every accepted op, except ops far ahead of it: one device
  // with a wrong clock must not drag every replica's clock into its future (they are flagged).
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (!consumed(plan.results[i].outcome)) continue;
    const wire::Hlc& h = ops[i]->hlc();
    if (h.wall_ms() <= static_cast<std::uint64_t>(now_ms) + options_.skew_flag_ms) {
      clock_.observe({h.wall_ms(), h.logical()});
    }
  }

  // The ack: stored rejections of replayed seqs first (a lost response must not lose them),
  // then this exchange's.
  wire::Ack* ack = resp.mutable_ack();
  ack->set_applied_through_seq(plan.new_hwm.value_or(previous));
  const std::uint64_t first = ops.front()->device_seq();
  const std::uint64_t replayed_to = std::min(previous, ops.back()->device_seq());
  if (first <= replayed_to) {
    std::vector<OpRecord> stored;
    if (auto ec = store.ops(device.device_id, first, replayed_to, true, &stored)) return ec;
    for (const OpRecord& r : stored) {
      wire::Rejection* rej = ack->add_rejections();
      rej->set_device_seq(r.device_seq);
      rej->set_code(r.code);
      rej->set_detail(r.detail);
    }
  }
  for (const engine::OpResult& r : plan.results) {
    if (r.outcome != engine::OpOutcome::Rejected) continue;
    wire::Rejection* rej = ack->add_rejections();
    rej->set_device_seq(r.device_seq);
    rej->set_code(r.code);
    rej->set_detail(r.detail);
  }
  return {};
}

std::error_code SyncService::projectLocked(const DeviceRecord& device,
                                           std::span<const wire::Operation* const> ops,
                                           engine::Plan* plan, std::int64_t now_ms) {
  if (plan->submission_inserts.empty()) return {};
  store::Database& db = store_.database();
  SqliteSyncStore sync_store(db);
  store::SqliteContactStore contacts(db);
  store::SqliteCampaignStore campaigns(db);
  store::SqliteResponseStore responses(db);
  std::map<std::string, std::string> refused_ids;  // submission id -> detail
  std::vector<engine::SubmissionInsert> kept;
  for (engine::SubmissionInsert& ins : plan->submission_inserts) {
    const wire::Operation& op = *ops[ins.op_index];
    Refused refused;
    // A savepoint per record: a refused record leaves nothing behind.
    store::Transaction savepoint(db);
    if (auto ec = savepoint.begin()) return ec;
    std::error_code ec;
    switch (op.submission().record_case()) {
      case wire::SubmissionOp::kRegistration:
        ec = projectRegistration(sync_store, contacts, device, op.submission(), now_ms, &refused);
        break;
      case wire::SubmissionOp::kPollResponse:
        ec = projectPollResponse(sync_store, campaigns, responses, device, op, now_ms, &refused);
        break;
      default: break;  // a form submission is kept as it is
    }
    if (ec) return ec;
    if (!refused.detail.empty()) {
      savepoint.rollback();
      engine::OpResult& r = plan->results[ins.op_index];
      r.outcome = engine::OpOutcome::Rejected;
      r.code = wire::ERROR_CODE_RECORD_INVALID;
      r.detail = refused.detail;
      refused_ids.emplace(ins.id, refused.detail);
      continue;
    }
    if ((ec = savepoint.commit())) return ec;
    kept.push_back(std::move(ins));
  }
  plan->submission_inserts = std::move(kept);
  if (refused_ids.empty()) return {};
  // A second copy of a refused record in the same batch was judged a Duplicate of the first;
  // it is refused for the same reason.
  for (std::size_t i = 0; i < ops.size(); ++i) {
    engine::OpResult& r = plan->results[i];
    if (r.outcome != engine::OpOutcome::Duplicate) continue;
    const auto it = refused_ids.find(ops[i]->submission().submission_id());
    if (it == refused_ids.end()) continue;
    r.outcome = engine::OpOutcome::Rejected;
    r.code = wire::ERROR_CODE_RECORD_INVALID;
    r.detail = it->second;
  }
  return {};
}

std::error_code SyncService::pullLocked(SqliteSyncStore& store, const DeviceRecord& device,
                                        const wire::SyncRequest& request,
                                        wire::SyncResponse* response) {
  std::size_t remaining = request.max_records() == 0
                              ? options_.default_page_records
                              : std::min(request.max_records(), options_.max_page_records);
  std::vector<const wire::Cursor*> cursors;
  for (const wire::Cursor& c : request.cursors()) cursors.push_back(&c);
  std::sort(cursors.begin(), cursors.end(),
            [](const wire::Cursor* a, const wire::Cursor* b) { return a->scope() < b->scope(); });
  bool more = false;
  for (const wire::Cursor* c : cursors) {
    std::uint64_t last = 0;
    if (auto ec = store.lastSeq(device.tenant_id, c->scope(), &last)) return ec;
    std::uint64_t position = c->seq();
    if (remaining > 0 && last > position) {
      std::size_t read = 0;
      if (auto ec = store.readScope(device.tenant_id, c->scope(), position, remaining,
                                    response->mutable_records(), &read)) {
        return ec;
      }
      if (read > 0) position = response->records(response->records_size() - 1).seq();
      remaining -= read;
    }
    if (last > position) more = true;
    wire::Cursor* out = response->add_cursors();
    out->set_scope(c->scope());
    out->set_seq(position);
  }
  response->set_more(more);
  engine::sealPage(response);
  return {};
}

// ---- Enrolment ----

api::HttpResponse SyncService::handleEnrol(const api::HttpRequest& request) {
  return handleEnrol(request, now());
}

api::HttpResponse SyncService::handleEnrol(const api::HttpRequest& request, std::int64_t now_ms) {
  if (request.method != "POST") return methodNotAllowed();
  if (request.body.size() > kMaxEnrolBody) {
    return jsonError(413, "invalid_request", "the enrolment request is too large");
  }
  const nlohmann::json j = nlohmann::json::parse(request.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("code") || !j["code"].is_string() ||
      !j.contains("public_key") || !j["public_key"].is_string() || !j.contains("proof") ||
      !j["proof"].is_string()) {
    return jsonError(400, "invalid_request",
                     "expected a JSON object with string code, public_key and proof");
  }
  std::string public_key, proof;
  if (!base64Decode(j["public_key"].get<std::string>(), &public_key) ||
      !base64Decode(j["proof"].get<std::string>(), &proof)) {
    return jsonError(400, "invalid_key", "public_key and proof must be standard base64");
  }
  Enrolment e;
  if (auto ec = auth_.enrol(j["code"].get<std::string>(), public_key, proof, now_ms, &e)) {
    if (ec == DeviceAuthErrc::InvalidKey) {
      return jsonError(400, "invalid_key", "the public key or its proof of possession is invalid");
    }
    if (ec == DeviceAuthErrc::CodeExpired) {
      return jsonError(401, "enrolment_code_expired", "the enrolment code has expired");
    }
    if (ec == DeviceAuthErrc::CodeUsed) {
      return jsonError(401, "enrolment_code_used", "the enrolment code was used already");
    }
    if (ec == DeviceAuthErrc::CodeInvalid) {
      return jsonError(401, "enrolment_code_invalid", "no such enrolment code");
    }
    log::warn("sync.store_error", {{"step", "enrol"}, {"error", ec.message()}});
    api::HttpResponse busy = jsonError(503, "unavailable", "try again later");
    busy.headers.emplace_back("Retry-After", std::to_string(options_.retry_after_ms / 1000));
    return busy;
  }
  nlohmann::json body;
  body["device_id"] = e.device_id;
  body["tenant_id"] = e.tenant_id;
  body["team"] = e.team;
  body["scopes"] = e.scopes;
  body["protocol_versions"] = options_.protocol_versions;
  body["server_time_ms"] = now_ms;
  log::info("sync.device_enrolled", {{"device", e.device_id}});
  return jsonResponse(201, body.dump());
}

// ---- Publishing ----

std::error_code SyncService::publish(std::string_view tenant, std::string_view scope,
                                     std::span<const wire::PublishedRecord> records,
                                     std::int64_t now_ms, std::uint64_t* last_seq) {
  const bool scope_ok = !scope.empty() && scope.size() <= options_.limits.max_scope_bytes &&
                        std::all_of(scope.begin(), scope.end(), [](char c) {
                          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                 (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
                                 c == ':' || c == '/' || c == '=';
                        });
  if (tenant.empty() || !scope_ok) return store::StoreErrc::InvalidArgument;
  for (const wire::PublishedRecord& r : records) {
    if (r.record_case() == wire::PublishedRecord::RECORD_NOT_SET) {
      return store::StoreErrc::InvalidArgument;
    }
  }
  std::lock_guard lock(mu_);
  SqliteSyncStore store(store_.database());
  store::Transaction txn(store_.database());
  if (auto ec = txn.begin()) return ec;
  if (auto ec = store.append(tenant, scope, records, now_ms, last_seq)) return ec;
  return txn.commit();
}

}  // namespace liaison::gateway::sync
