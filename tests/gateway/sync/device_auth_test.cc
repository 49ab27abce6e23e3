// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Device enrolment and signed requests on a real store: one-time codes (once only, expiry,
// wrong and malformed codes, proof of possession), header parsing, the canonical string and
// a pinned signature (the format devices implement), and every refusal of authenticate():
// bad signature, changed body, stale timestamp either way, unknown and revoked devices.
#include "sync/device_auth.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <array>
#include <string>
#include <vector>

#include "sync_test_support.h"

namespace liaison::gateway::sync {
namespace {

using testing::Device;
using testing::Gateway;
using testing::kDayMs;
using testing::kT0;

// Ed25519 signature of the pinned canonical string below by the key of seed 00 01 .. 1f.
constexpr const char* kPinnedSignature =
    "AlvOHbBE+dlHRO9nZltbzNQJ0jkalDhdhK5aZBu24mCk5k8xwVD0ugda8k36J0C+fDYWjWpC1911p8XQgXLqDg==";

class DeviceAuthTest : public ::testing::Test {
 protected:
  DeviceAuth& auth() { return gw_.service().auth(); }

  api::HttpRequest signedRequest(const Device& d, std::int64_t ts, const std::string& body = "b") {
    api::HttpRequest req;
    req.method = "POST";
    req.target = "/v1/sync";
    req.body = body;
    for (auto& h : signRequest(d.key(), d.id(), req.method, req.target, "", req.body, ts,
                               std::string(kNonceBytes, '\x07'))) {
      req.headers.push_back(std::move(h));
    }
    return req;
  }

  std::int64_t now_ = kT0;
  Gateway gw_;
};

TEST_F(DeviceAuthTest, EnrolmentCodeWorksExactlyOnce) {
  const std::string code = gw_.createCode(now_, {"forms", "notices:DE"});
  ASSERT_EQ(code.size(), 23u);  // XXXXX-XXXXX-XXXXX-XXXXX
  Device a(1, &now_), b(2, &now_);
  ASSERT_TRUE(a.enrol(gw_, code));
  EXPECT_EQ(a.id().rfind("dev-", 0), 0u);
  EXPECT_EQ(a.scopes(), (std::vector<std::string>{"forms", "notices:DE", "team:berlin-drive-3"}));
  Enrolment e;
  EXPECT_EQ(auth().enrol(code, b.key().public_key, signEnrolment(b.key(), code), now_, &e),
            DeviceAuthErrc::CodeUsed);
  // Only a hash of the code is stored.
  std::vector<std::string> stored;
  gw_.withStore([&](SqliteSyncStore& s) {
    std::error_code ec;
    auto st = s.database().prepare("SELECT code_hash FROM sync_enrolment_codes", &ec);
    bool row = false;
    while (!ec && !(ec = st->step(&row)) && row) stored.emplace_back(st->blob(0));
    return ec;
  });
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].size(), 32u);
  EXPECT_EQ(stored[0].find(normaliseEnrolmentCode(code)), std::string::npos);
  DeviceRecord rec;
  ASSERT_FALSE(gw_.withStore([&](SqliteSyncStore& s) { return s.findDevice(a.id(), &rec); }));
  EXPECT_EQ(rec.public_key, a.key().public_key);
  EXPECT_EQ(rec.tenant_id, "t1");
  EXPECT_EQ(rec.team, "berlin-drive-3");
}

TEST_F(DeviceAuthTest, ExpiredWrongAndMalformedCodesAreRefused) {
  const std::string code = gw_.createCode(now_);
  Device d(3, &now_);
  Enrolment e;
  const std::string proof = signEnrolment(d.key(), code);
  // Expired: the default lifetime is 72 hours.
  EXPECT_EQ(auth().enrol(code, d.key().public_key, proof, now_ + 72 * 3600 * 1000, &e),
            DeviceAuthErrc::CodeExpired);
  // Wrong (well-formed, never issued).
  const std::string wrong = "ABCDE-FGHJK-MNPQR-STVWX";
  EXPECT_EQ(auth().enrol(wrong, d.key().public_key, signEnrolment(d.key(), wrong), now_, &e),
            DeviceAuthErrc::CodeInvalid);
  // Malformed.
  for (const char* bad : {"", "short", "ABCDE-FGHJK-MNPQR-STVWU", "ABCDE-FGHJK-MNPQR-STVWXY"}) {
    EXPECT_EQ(auth().enrol(bad, d.key().public_key, proof, now_, &e), DeviceAuthErrc::CodeInvalid)
        << bad;
  }
  // Still usable after those attempts, and typed loosely (lower case, O for 0, no dashes).
  std::string loose;
  for (char c : code) {
    if (c == '-') continue;
    loose.push_back(c == '0' ? 'o' : static_cast<char>(std::tolower(c)));
  }
  EXPECT_FALSE(auth().enrol(loose, d.key().public_key, signEnrolment(d.key(), loose), now_, &e));
}

TEST_F(DeviceAuthTest, EnrolmentNeedsProofOfPossession) {
  const std::string code = gw_.createCode(now_);
  Device d(4, &now_), other(5, &now_);
  Enrolment e;
  // Someone else's public key with our proof: refused, and the code stays unused.
  EXPECT_EQ(auth().enrol(code, other.key().public_key, signEnrolment(d.key(), code), now_, &e),
            DeviceAuthErrc::InvalidKey);
  EXPECT_EQ(auth().enrol(code, "short", signEnrolment(d.key(), code), now_, &e),
            DeviceAuthErrc::InvalidKey);
  EXPECT_FALSE(auth().enrol(code, d.key().public_key, signEnrolment(d.key(), code), now_, &e));
}

TEST_F(DeviceAuthTest, GrantsAreValidated) {
  std::string code;
  EnrolmentGrant g;
  g.tenant_id = "t1";
  g.team = "team one";  // space not allowed
  g.created_by = "officer";
  EXPECT_EQ(auth().createEnrolmentCode(g, now_, &code), DeviceAuthErrc::InvalidGrant);
  g.team = "t";
  g.scopes = {"bad\nscope"};
  EXPECT_EQ(auth().createEnrolmentCode(g, now_, &code), DeviceAuthErrc::InvalidGrant);
  g.scopes = {"forms"};
  g.ttl_ms = 31 * kDayMs;
  EXPECT_EQ(auth().createEnrolmentCode(g, now_, &code), DeviceAuthErrc::InvalidGrant);
  g.ttl_ms = 0;
  g.created_by.clear();
  EXPECT_EQ(auth().createEnrolmentCode(g, now_, &code), DeviceAuthErrc::InvalidGrant);
}

TEST_F(DeviceAuthTest, InjectedRandomnessMakesEnrolmentRepeatable) {
  auto run = [](std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    DeviceAuthOptions o;
    o.random = [&rng](std::span<std::uint8_t> out) {
      for (auto& b : out) b = static_cast<std::uint8_t>(rng());
    };
    Gateway gw({}, o);
    std::int64_t now = kT0;
    Device d(9, &now);
    EXPECT_TRUE(d.enrol(gw, gw.createCode(now)));
    return d.id();
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
}

TEST_F(DeviceAuthTest, HeaderParsing) {
  const std::string sig = base64Encode(std::string(64, '\x01'));
  const std::string nonce(32, 'a');
  AuthHeaders h;
  EXPECT_FALSE(parseAuthHeaders("dev-1", "1760000000000", nonce, sig, &h));
  EXPECT_EQ(h.device_id, "dev-1");
  EXPECT_EQ(h.timestamp_ms, 1'760'000'000'000);
  EXPECT_EQ(h.nonce, std::string(16, '\xaa'));
  EXPECT_EQ(h.signature, std::string(64, '\x01'));
  EXPECT_EQ(parseAuthHeaders("", "", "", "", &h), DeviceAuthErrc::MissingHeaders);
  struct Case {
    const char* label;
    std::string device, ts, nonce, sig;
  };
  const std::vector<Case> bad = {
      {"one missing", "dev-1", "", nonce, sig},
      {"device charset", "dev 1", "1", nonce, sig},
      {"device too long", std::string(65, 'd'), "1", nonce, sig},
      {"timestamp sign", "dev-1", "-1", nonce, sig},
      {"timestamp space", "dev-1", " 1", nonce, sig},
      {"timestamp too long", "dev-1", std::string(16, '9'), nonce, sig},
      {"nonce short", "dev-1", "1", std::string(31, 'a'), sig},
      {"nonce upper", "dev-1", "1", std::string(32, 'A'), sig},
      {"nonce not hex", "dev-1", "1", std::string(32, 'g'), sig},
      {"sig short", "dev-1", "1", nonce, base64Encode(std::string(63, 'x'))},
      {"sig long", "dev-1", "1", nonce, base64Encode(std::string(65, 'x'))},
      {"sig not base64", "dev-1", "1", nonce, std::string(88, '*')},
      {"sig url alphabet", "dev-1", "1", nonce,
       base64Encode(std::string(64, '\xfb')).replace(0, 1, "-")},
      {"sig not canonical", "dev-1", "1", nonce, sig.substr(0, 85) + "B=="},
  };
  for (const Case& c : bad) {
    EXPECT_EQ(parseAuthHeaders(c.device, c.ts, c.nonce, c.sig, &h),
              DeviceAuthErrc::MalformedHeaders)
        << c.label;
  }
}

// The signing format is what every device implements: pin it.
TEST_F(DeviceAuthTest, CanonicalStringAndSignatureArePinned) {
  const std::string body = "hello";
  const std::string canonical = canonicalRequest("POST", "/v1/sync", "ZSTD", 1760000000000,
                                                 std::string(16, '\x01'), "dev-abc", body);
  EXPECT_EQ(canonical,
            "liaison-sync-request-v1\nPOST\n/v1/sync\n1760000000000\n"
            "01010101010101010101010101010101\ndev-abc\nzstd\n"
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  std::array<std::uint8_t, kSeedBytes> seed{};
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(i);
  const DeviceKey key = deviceKeyFromSeed(seed);
  const auto headers = signRequest(key, "dev-abc", "POST", "/v1/sync", "zstd", body, 1760000000000,
                                   std::string(16, '\x01'));
  ASSERT_EQ(headers.size(), 4u);
  EXPECT_EQ(headers[0], (std::pair<std::string, std::string>{"Liaison-Device", "dev-abc"}));
  EXPECT_EQ(headers[1].second, "1760000000000");
  EXPECT_EQ(headers[2].second, "01010101010101010101010101010101");
  std::string sig;
  ASSERT_TRUE(base64Decode(headers[3].second, &sig));
  EXPECT_TRUE(verifySignature(key.public_key, canonical, sig));
  EXPECT_EQ(toHex(key.public_key),
            "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8");
  // Ed25519 is deterministic: the same key and text always give this signature.
  EXPECT_EQ(headers[3].second, kPinnedSignature);
}

TEST_F(DeviceAuthTest, AuthenticateAcceptsAGoodSignatureAndRefusesTheRest) {
  Device d(11, &now_), stranger(12, &now_);
  ASSERT_TRUE(d.enrol(gw_, gw_.createCode(now_)));
  AuthHeaders h;
  DeviceRecord rec;
  EXPECT_FALSE(auth().authenticate(signedRequest(d, now_), now_, &h, &rec));
  EXPECT_EQ(rec.device_id, d.id());

  api::HttpRequest changed = signedRequest(d, now_);
  changed.body = "B";
  EXPECT_EQ(auth().authenticate(changed, now_, &h, &rec), DeviceAuthErrc::BadSignature);
  api::HttpRequest retargeted = signedRequest(d, now_);
  retargeted.target = "/v1/sync?x=1";
  EXPECT_EQ(auth().authenticate(retargeted, now_, &h, &rec), DeviceAuthErrc::BadSignature);
  api::HttpRequest recoded = signedRequest(d, now_);
  recoded.headers.emplace_back("Content-Encoding", "zstd");
  EXPECT_EQ(auth().authenticate(recoded, now_, &h, &rec), DeviceAuthErrc::BadSignature);

  stranger.setId(d.id());  // claims d's id, signs with its own key
  EXPECT_EQ(auth().authenticate(signedRequest(stranger, now_), now_, &h, &rec),
            DeviceAuthErrc::BadSignature);
  stranger.setId("dev-nobody");
  EXPECT_EQ(auth().authenticate(signedRequest(stranger, now_), now_, &h, &rec),
            DeviceAuthErrc::UnknownDevice);

  api::HttpRequest unsigned_req;
  unsigned_req.method = "POST";
  unsigned_req.target = "/v1/sync";
  EXPECT_EQ(auth().authenticate(unsigned_req, now_, &h, &rec), DeviceAuthErrc::MissingHeaders);
}

TEST_F(DeviceAuthTest, StaleTimestampsAreRefusedEitherWay) {
  Device d(13, &now_);
  ASSERT_TRUE(d.enrol(gw_, gw_.createCode(now_)));
  AuthHeaders h;
  DeviceRecord rec;
  const std::int64_t window = auth().options().max_clock_skew_ms;
  EXPECT_FALSE(auth().authenticate(signedRequest(d, now_ - window), now_, &h, &rec));
  EXPECT_FALSE(auth().authenticate(signedRequest(d, now_ + window), now_, &h, &rec));
  EXPECT_EQ(auth().authenticate(signedRequest(d, now_ - window - 1), now_, &h, &rec),
            DeviceAuthErrc::StaleTimestamp);
  EXPECT_EQ(auth().authenticate(signedRequest(d, now_ + kDayMs), now_, &h, &rec),
            DeviceAuthErrc::StaleTimestamp);
}

TEST_F(DeviceAuthTest, RevokedDeviceIsRefusedAtItsNextRequest) {
  Device d(14, &now_), other(15, &now_);
  ASSERT_TRUE(d.enrol(gw_, gw_.createCode(now_)));
  ASSERT_TRUE(other.enrol(gw_, gw_.createCode(now_)));
  const std::string other_id = other.id();
  AuthHeaders h;
  DeviceRecord rec;
  ASSERT_FALSE(auth().authenticate(signedRequest(d, now_), now_, &h, &rec));
  ASSERT_FALSE(auth().revoke(d.id(), now_ + 1));
  EXPECT_FALSE(auth().revoke(d.id(), now_ + 2));  // twice is fine
  EXPECT_EQ(auth().revoke("dev-nobody", now_), store::StoreErrc::NotFound);
  EXPECT_EQ(auth().authenticate(signedRequest(d, now_ + 3), now_ + 3, &h, &rec),
            DeviceAuthErrc::Revoked);
  // A forged request for the revoked device learns nothing about the revocation.
  other.setId(d.id());
  EXPECT_EQ(auth().authenticate(signedRequest(other, now_ + 3), now_ + 3, &h, &rec),
            DeviceAuthErrc::BadSignature);
  // The other device is unaffected.
  Device same_as_other(15, &now_);
  same_as_other.setId(other_id);
  EXPECT_FALSE(auth().authenticate(signedRequest(same_as_other, now_ + 3), now_ + 3, &h, &rec));
}

TEST_F(DeviceAuthTest, EnrolEndpointSpeaksJson) {
  Device d(16, &now_);
  const std::string code = gw_.createCode(now_);
  auto call = [&](const std::string& body) {
    api::HttpRequest req;
    req.method = "POST";
    req.target = "/v1/sync/enrol";
    req.body = body;
    return gw_.service().handleEnrol(req, now_);
  };
  nlohmann::json j;
  j["code"] = code;
  j["public_key"] = base64Encode(d.key().public_key);
  j["proof"] = base64Encode(signEnrolment(d.key(), code));
  auto res = call(j.dump());
  ASSERT_EQ(res.status, 201) << res.body;
  const auto out = nlohmann::json::parse(res.body);
  EXPECT_EQ(out["device_id"].get<std::string>().rfind("dev-", 0), 0u);
  EXPECT_EQ(out["team"], "berlin-drive-3");
  EXPECT_EQ(out["protocol_versions"], nlohmann::json::array({1}));
  EXPECT_EQ(out["server_time_ms"], now_);
  // The same code again.
  res = call(j.dump());
  EXPECT_EQ(res.status, 401);
  EXPECT_NE(res.body.find("enrolment_code_used"), std::string::npos);
  // Malformed requests.
  EXPECT_EQ(call("not json").status, 400);
  EXPECT_EQ(call(R"({"code": 1})").status, 400);
  j["public_key"] = "!!";
  EXPECT_EQ(call(j.dump()).status, 400);
  j["code"] = "ABCDE-FGHJK-MNPQR-STVWX";
  j["public_key"] = base64Encode(d.key().public_key);
  j["proof"] = base64Encode(signEnrolment(d.key(), j["code"].get<std::string>()));
  res = call(j.dump());
  EXPECT_EQ(res.status, 401);
  EXPECT_NE(res.body.find("enrolment_code_invalid"), std::string::npos);
  api::HttpRequest get;
  get.method = "GET";
  EXPECT_EQ(gw_.service().handleEnrol(get, now_).status, 405);
}

}  // namespace
}  // namespace liaison::gateway::sync
