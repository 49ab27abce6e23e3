// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Shared pieces of the gateway sync tests: a gateway harness (a real SqliteStore in a TempDir
// with a SyncService, reopenable to play a restart) and a field device played by the sync
// engine itself (tests/gateway must not link mobile-core internals): an Ed25519 key, an
// outbox, a hybrid logical clock, a local replica of shared entities merged with the same
// computePlan, and cursors. Record builders make valid records by default.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "liaison/sync/batch_codec.h"
#include "liaison/sync/hlc.h"
#include "liaison/sync/merge.h"
#include "liaison/sync/uuid.h"
#include "store/sqlite_store.h"
#include "sync/device_auth.h"
#include "sync/sqlite_sync_store.h"
#include "sync/sync_service.h"
#include "temp_dir.h"

namespace liaison::gateway::sync::testing {

namespace pb = ::liaison::v1;

inline constexpr std::int64_t kT0 = 1'760'000'000'000;  // 2025-10-09, Unix ms
inline constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
inline constexpr std::string_view kTenant = "t1";
inline constexpr std::string_view kTeam = "berlin-drive-3";

// ---- Record builders ----

inline std::string hashOf(const std::string& bytes) { return sha256(bytes); }

inline wire::SubmissionOp formSubmission(const std::string& id, const std::string& answer = "x") {
  wire::SubmissionOp s;
  s.set_submission_id(id);
  pb::Submission* r = s.mutable_submission();
  r->set_id(id);
  r->set_form_id("household-survey");
  r->set_form_version(1);
  r->set_state(pb::SUBMISSION_STATE_FINALISED);
  pb::FieldValue* v = r->add_values();
  v->set_field_id("q1");
  v->set_text(answer);
  s.set_content_hash(hashOf(r->SerializeAsString()));
  return s;
}

inline wire::SubmissionOp registration(const std::string& id, const std::string& phone,
                                       const std::string& language = "tr",
                                       const std::string& country = "DE") {
  wire::SubmissionOp s;
  s.set_submission_id(id);
  pb::Registration* r = s.mutable_registration();
  pb::Contact* c = r->mutable_contact();
  c->set_id(id);
  c->set_phone_e164(phone);
  c->set_display_name("A. Person");
  c->set_language(language);
  c->mutable_location()->set_country(country);
  c->set_status(pb::CONTACT_STATUS_ACTIVE);
  c->add_groups("drive-3");
  pb::ConsentRecord* k = r->mutable_consent();
  k->mutable_given_at()->set_seconds(kT0 / 1000);
  k->set_channel(pb::CONSENT_CHANNEL_FIELD_REGISTRATION);
  k->set_wording_version("consent-2025-1");
  k->set_language(language);
  k->set_recorded_by("staff-7");
  s.set_content_hash(hashOf(r->SerializeAsString()));
  return s;
}

inline wire::SubmissionOp pollAnswer(const std::string& id, const std::string& campaign,
                                     const std::string& question, const std::string& respondent,
                                     const std::string& choice) {
  wire::SubmissionOp s;
  s.set_submission_id(id);
  pb::PollResponse* r = s.mutable_poll_response();
  r->set_campaign_id(campaign);
  r->set_question_id(question);
  r->set_respondent(respondent);
  r->set_choice_id(choice);
  r->set_source(pb::PollResponse::SOURCE_FIELD_DEVICE);
  r->mutable_answered_at()->set_seconds(kT0 / 1000);
  s.set_content_hash(hashOf(r->SerializeAsString()));
  return s;
}

struct FieldSet {
  std::string field;
  std::string value;
};

// ---- The gateway ----

class Gateway {
 public:
  explicit Gateway(SyncServiceOptions options = {}, DeviceAuthOptions auth = {})
      : options_(std::move(options)), auth_options_(std::move(auth)) {
    open();
  }
  ~Gateway() { close(); }

  // Closes and reopens the store and the service: what survives is what was committed.
  void restart() {
    close();
    open();
  }

  SyncService& service() { return *service_; }
  store::SqliteStore& store() { return *store_; }
  std::mutex& mutex() { return mu_; }
  SyncServiceOptions& options() { return options_; }
  const std::string& path() const { return path_; }

  // Runs `fn` with the store locked and a SqliteSyncStore over it.
  template <typename Fn>
  auto withStore(Fn&& fn) {
    std::lock_guard lock(mu_);
    SqliteSyncStore s(store_->database());
    return fn(s);
  }

  std::string createCode(std::int64_t now, std::vector<std::string> scopes = {"forms"},
                         std::string team = std::string(kTeam)) {
    EnrolmentGrant g;
    g.tenant_id = std::string(kTenant);
    g.team = std::move(team);
    g.scopes = std::move(scopes);
    g.created_by = "officer-1";
    std::string code;
    EXPECT_FALSE(service_->auth().createEnrolmentCode(g, now, &code));
    return code;
  }

 private:
  void open() {
    store_ = store::SqliteStore::open(path_);
    service_ = std::make_unique<SyncService>(*store_, mu_, options_, auth_options_);
  }
  void close() {
    service_.reset();
    store_.reset();
  }

  liaison::testing::TempDir dir_;
  std::string path_ = dir_.file("gateway.db");
  SyncServiceOptions options_;
  DeviceAuthOptions auth_options_;
  std::mutex mu_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<SyncService> service_;
};

// ---- A field device ----

struct ApplyReport {
  bool ok = false;  // page verified and applied
  wire::ErrorCode status = wire::ERROR_CODE_UNSPECIFIED;
  std::uint64_t acked = 0;
  std::size_t records = 0;
  bool more = false;
  std::uint64_t resend_from = 0;
};

class Device {
 public:
  // `seed` fixes the key (and so the run); `now` is the simulated time the device reads.
  Device(std::uint8_t seed, const std::int64_t* now, std::int64_t clock_offset_ms = 0)
      : now_(now),
        offset_(clock_offset_ms),
        clock_([this] { return static_cast<std::uint64_t>(*now_ + offset_); }),
        nonce_rng_(seed) {
    std::array<std::uint8_t, kSeedBytes> s{};
    s.fill(seed);
    key_ = deviceKeyFromSeed(s);
  }

  const DeviceKey& key() const { return key_; }
  const std::string& id() const { return id_; }
  void setId(std::string id) { id_ = std::move(id); }
  void setClockOffset(std::int64_t ms) { offset_ = ms; }

  // Enrols in-process through the service (the e2e test goes over HTTP instead).
  ::testing::AssertionResult enrol(Gateway& gw, const std::string& code) {
    Enrolment e;
    auto ec =
        gw.service().auth().enrol(code, key_.public_key, signEnrolment(key_, code), *now_, &e);
    if (ec) return ::testing::AssertionFailure() << "enrol: " << ec.message();
    id_ = e.device_id;
    scopes_ = e.scopes;
    return ::testing::AssertionSuccess();
  }
  void follow(const std::string& scope) { cursors_.emplace(scope, 0); }

  // ---- Local writes: every op gets the next seq and an HLC; entity ops apply locally ----
  const wire::Operation& submit(wire::SubmissionOp s) {
    wire::Operation op = envelope();
    *op.mutable_submission() = std::move(s);
    return push(std::move(op));
  }
  const wire::Operation& update(const std::string& entity, const std::vector<FieldSet>& writes) {
    wire::Operation op = envelope();
    wire::EntityUpdate* u = op.mutable_entity_update();
    u->set_entity_type("member");
    u->set_entity_id(entity);
    const engine::EntityKey key{"member", entity};
    for (const FieldSet& w : writes) {
      wire::FieldWrite* f = u->add_fields();
      f->set_field(w.field);
      f->set_value(w.value);
      // base: the version of this field the device holds now.
      if (auto e = entities_.find(key); e != entities_.end()) {
        if (auto it = e->second.fields.find(w.field); it != e->second.fields.end()) {
          setVersion(f->mutable_base(), it->second.version);
        }
      }
    }
    return push(std::move(op));
  }
  const wire::Operation& remove(const std::string& entity) {
    wire::Operation op = envelope();
    wire::EntityDelete* d = op.mutable_entity_delete();
    d->set_entity_type("member");
    d->set_entity_id(entity);
    const engine::EntityKey key{"member", entity};
    if (auto e = entities_.find(key); e != entities_.end() && !e->second.fields.empty()) {
      std::optional<engine::Version> newest;
      for (const auto& [name, f] : e->second.fields) {
        if (!newest || *newest < f.version) newest = f.version;
      }
      setVersion(d->mutable_base(), *newest);
    }
    return push(std::move(op));
  }

  // ---- Requests ----
  // Outbox entries from `first` (default: the oldest unacknowledged), at most `max_ops`.
  wire::SyncRequest request(std::uint64_t first = 0, std::size_t max_ops = 500,
                            std::uint32_t max_records = 0) {
    if (first == 0) first = acked_ + 1;
    wire::SyncRequest r;
    r.set_protocol_version(engine::kProtocolVersion);
    r.set_device_id(id_);
    for (std::uint64_t s = first; s <= outbox_.size() && s < first + max_ops; ++s) {
      *r.mutable_push()->add_operations() = outbox_[s - 1];
    }
    for (const auto& [scope, seq] : cursors_) {
      wire::Cursor* c = r.add_cursors();
      c->set_scope(scope);
      c->set_seq(seq);
    }
    r.set_max_records(max_records);
    const engine::HlcTimestamp h = clock_.now();
    r.mutable_device_clock()->set_wall_ms(h.wall_ms);
    r.mutable_device_clock()->set_logical(h.logical);
    const std::int64_t wall = *now_ + offset_;
    r.mutable_device_time()->set_seconds(wall / 1000);
    return r;
  }

  // Encodes (sealing the checksum), optionally compresses, and signs at `sign_time` (default:
  // the simulated now, as a server-anchored device clock reads it).
  api::HttpRequest http(const wire::SyncRequest& r, bool zstd = false,
                        std::optional<std::int64_t> sign_time = std::nullopt) {
    auto bytes = engine::encodeSyncRequest(r);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    return signedRaw(bytes.ok() ? bytes.value() : std::string(), zstd, sign_time);
  }
  api::HttpRequest signedRaw(std::string body, bool zstd = false,
                             std::optional<std::int64_t> sign_time = std::nullopt) {
    api::HttpRequest req;
    req.method = "POST";
    req.target = std::string(kSyncPath);
    req.headers.emplace_back("Content-Type", std::string(kProtobufContentType));
    req.headers.emplace_back("Accept-Encoding", "zstd");
    if (zstd) {
      body = zstdCompress(body);
      req.headers.emplace_back("Content-Encoding", "zstd");
    }
    req.body = std::move(body);
    std::string nonce(kNonceBytes, '\0');
    for (char& c : nonce) c = static_cast<char>(nonce_rng_());
    for (auto& h : signRequest(key_, id_, req.method, req.target, zstd ? "zstd" : "", req.body,
                               sign_time.value_or(*now_), nonce)) {
      req.headers.push_back(std::move(h));
    }
    return req;
  }

  // Parses a response body (decompressing when `zstd`); nullopt when it is not a SyncResponse.
  static std::optional<wire::SyncResponse> parse(const std::string& body, bool zstd) {
    std::string bytes = body;
    if (zstd) {
      auto d = decodeContent("zstd", body, 256u << 20);
      if (!d.ok()) return std::nullopt;
      bytes = std::move(d).value();
    }
    wire::SyncResponse r;
    if (!r.ParseFromString(bytes)) return std::nullopt;
    return r;
  }
  static std::optional<wire::SyncResponse> parse(const api::HttpResponse& res) {
    if (res.content_type != kProtobufContentType) return std::nullopt;
    bool zstd = false;
    for (const auto& [k, v] : res.headers) zstd = zstd || (k == "Content-Encoding" && v == "zstd");
    return parse(res.body, zstd);
  }

  // What a device does with a response: verify the page, then in one step drop acknowledged
  // outbox entries, keep rejections, merge relayed operations, move cursors, observe the
  // server clock. A page that fails verification changes nothing.
  ApplyReport apply(const wire::SyncResponse& r) {
    ApplyReport rep;
    rep.status = r.status();
    if (r.status() == wire::ERROR_CODE_SEQUENCE_GAP) {
      rep.resend_from = r.resend_from_seq();
      return rep;
    }
    if (r.status() != wire::ERROR_CODE_OK) return rep;
    if (!engine::verifyPage(r).ok()) return rep;
    const std::uint64_t through = r.ack().applied_through_seq();
    if (through > outbox_.size()) {
      ADD_FAILURE() << "acknowledged an operation the device never made";
      return rep;
    }
    for (const wire::Rejection& j : r.ack().rejections()) rejections_[j.device_seq()] = j.code();
    acked_ = std::max(acked_, through);
    std::vector<const wire::Operation*> relayed;
    for (const wire::PublishedRecord& rec : r.records()) {
      auto it = cursors_.find(rec.scope());
      if (it != cursors_.end() && rec.seq() <= it->second) continue;
      ++rep.records;
      ++received_[rec.scope()];
      if (rec.has_operation()) relayed.push_back(&rec.operation());
    }
    if (!relayed.empty()) merge(relayed);
    for (const wire::Cursor& c : r.cursors()) cursors_[c.scope()] = c.seq();
    if (r.has_server_clock())
      clock_.observe({r.server_clock().wall_ms(), r.server_clock().logical()});
    rep.ok = true;
    rep.acked = through;
    rep.more = r.more();
    return rep;
  }

  std::uint64_t acked() const { return acked_; }
  std::uint64_t made() const { return outbox_.size(); }
  const std::vector<wire::Operation>& outbox() const { return outbox_; }
  const std::map<std::uint64_t, wire::ErrorCode>& rejections() const { return rejections_; }
  const std::map<engine::EntityKey, engine::EntityState>& entities() const { return entities_; }
  const std::map<std::string, std::uint64_t>& cursors() const { return cursors_; }
  std::size_t received(const std::string& scope) const {
    auto it = received_.find(scope);
    return it == received_.end() ? 0 : it->second;
  }
  const std::vector<std::string>& scopes() const { return scopes_; }
  engine::HybridLogicalClock& clock() { return clock_; }

 private:
  static void setVersion(wire::Version* v, const engine::Version& from) {
    v->mutable_hlc()->set_wall_ms(from.hlc.wall_ms);
    v->mutable_hlc()->set_logical(from.hlc.logical);
    v->set_device_id(from.device_id);
  }

  wire::Operation envelope() {
    wire::Operation op;
    op.set_device_id(id_);
    op.set_device_seq(outbox_.size() + 1);
    const engine::HlcTimestamp h = clock_.now();
    op.mutable_hlc()->set_wall_ms(h.wall_ms);
    op.mutable_hlc()->set_logical(h.logical);
    op.mutable_claimed_at()->set_seconds((*now_ + offset_) / 1000);
    return op;
  }

  const wire::Operation& push(wire::Operation op) {
    outbox_.push_back(std::move(op));
    if (outbox_.back().payload_case() != wire::Operation::kSubmission) {
      merge({&outbox_.back()});
    }
    return outbox_.back();
  }

  void merge(const std::vector<const wire::Operation*>& ops) {
    engine::StagedState staged;
    for (const engine::EntityKey& k : engine::stageKeys(ops).entities) {
      if (auto it = entities_.find(k); it != entities_.end())
        staged.entities.emplace(k, it->second);
    }
    const engine::Plan plan = engine::computePlan(staged, ops);
    for (const engine::EntityWrite& w : plan.entity_writes) entities_[w.key] = w.state;
  }

  const std::int64_t* now_;
  std::int64_t offset_;
  engine::HybridLogicalClock clock_;
  std::mt19937_64 nonce_rng_;
  DeviceKey key_;
  std::string id_;
  std::vector<std::string> scopes_;
  std::vector<wire::Operation> outbox_;
  std::uint64_t acked_ = 0;
  std::map<std::uint64_t, wire::ErrorCode> rejections_;
  std::map<engine::EntityKey, engine::EntityState> entities_;
  std::map<std::string, std::uint64_t> cursors_;
  std::map<std::string, std::size_t> received_;
};

// UUIDv7 text from a seeded generator, so runs repeat.
class Ids {
 public:
  explicit Ids(std::uint64_t seed)
      : rng_(seed),
        gen_([] { return static_cast<std::uint64_t>(kT0); },
             [this](std::span<std::uint8_t> out) {
               for (std::uint8_t& b : out) b = static_cast<std::uint8_t>(rng_());
             }) {}
  std::string next() { return gen_.next().toString(); }

 private:
  std::mt19937_64 rng_;
  ::liaison::sync::UuidV7Generator gen_;
};

// The state a set of operations must produce (per field: the greatest write newer than the
// greatest delete), rendered as values and versions; the merge's bases are left out.
inline std::string renderOracle(const std::vector<const wire::Operation*>& ops) {
  std::map<engine::EntityKey, std::optional<engine::Version>> tomb;
  for (const wire::Operation* op : ops) {
    if (!op->has_entity_delete()) continue;
    auto& t = tomb[{op->entity_delete().entity_type(), op->entity_delete().entity_id()}];
    if (!t || *t < engine::versionOf(*op)) t = engine::versionOf(*op);
  }
  std::map<engine::EntityKey, std::map<std::string, std::pair<engine::Version, std::string>>> f;
  for (const wire::Operation* op : ops) {
    if (!op->has_entity_update()) continue;
    const engine::EntityKey key{op->entity_update().entity_type(), op->entity_update().entity_id()};
    const auto& t = tomb[key];
    const engine::Version v = engine::versionOf(*op);
    for (const wire::FieldWrite& w : op->entity_update().fields()) {
      if (t && v <= *t) continue;
      auto& slot = f[key];
      auto it = slot.find(w.field());
      if (it == slot.end() || it->second.first < v) slot[w.field()] = {v, w.value()};
    }
  }
  std::string out;
  std::set<engine::EntityKey> keys;
  for (const auto& [k, t] : tomb) {
    if (t) keys.insert(k);
  }
  for (const auto& [k, fields] : f) keys.insert(k);
  for (const engine::EntityKey& k : keys) {
    out += k.id;
    if (auto t = tomb.find(k); t != tomb.end() && t->second) {
      out += "[t" + std::to_string(t->second->hlc.wall_ms) + "." +
             std::to_string(t->second->hlc.logical) + "@" + t->second->device_id + "]";
    }
    out += "{";
    if (auto it = f.find(k); it != f.end()) {
      for (const auto& [name, vv] : it->second) out += name + "=" + vv.second + ";";
    }
    out += "} ";
  }
  return out;
}

inline std::string render(const std::map<engine::EntityKey, engine::EntityState>& entities) {
  std::string out;
  for (const auto& [k, e] : entities) {
    out += k.id;
    if (e.tombstone) {
      out += "[t" + std::to_string(e.tombstone->version.hlc.wall_ms) + "." +
             std::to_string(e.tombstone->version.hlc.logical) + "@" +
             e.tombstone->version.device_id + "]";
    }
    out += "{";
    for (const auto& [name, f] : e.fields) out += name + "=" + f.value + ";";
    out += "} ";
  }
  return out;
}

// The base of the in-process endpoint tests: a gateway with a one-shot fault switch, a clock
// the test moves, one device, and exchanges through SyncService::handleSync (no sockets).
class SyncEndpointTest : public ::testing::Test {
 protected:
  SyncEndpointTest() : gw_(options()) {}

  // fault_ = FaultPoint::X makes the next exchange fail there, once.
  SyncServiceOptions options() {
    SyncServiceOptions o;
    o.fault_for_test = [this](FaultPoint p) {
      if (fault_ != p) return false;
      fault_.reset();
      return true;
    };
    return o;
  }

  api::HttpResponse send(Device& d, const wire::SyncRequest& r, bool zstd = false) {
    return gw_.service().handleSync(d.http(r, zstd), now_);
  }
  std::optional<wire::SyncResponse> exchange(Device& d, const wire::SyncRequest& r) {
    return Device::parse(send(d, r));
  }
  // One full exchange from the oldest unacknowledged entry; asserts an OK answer.
  ApplyReport sync(Device& d, std::uint32_t max_records = 0) {
    const api::HttpResponse res = send(d, d.request(0, 500, max_records));
    auto parsed = Device::parse(res);
    EXPECT_TRUE(parsed.has_value()) << "HTTP " << res.status;
    if (!parsed) return {};
    EXPECT_EQ(parsed->status(), wire::ERROR_CODE_OK) << "HTTP " << res.status;
    return d.apply(*parsed);
  }

  std::int64_t now_ = kT0;
  std::optional<FaultPoint> fault_;
  Gateway gw_;
  Device dev_{1, &now_};
};

}  // namespace liaison::gateway::sync::testing
