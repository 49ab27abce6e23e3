// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// API tokens over a real SQLite file: hashing, the printable form, Bearer parsing, expiry,
// revocation, the per-token rate limit (429 + Retry-After through the router) and last-use
// bookkeeping.
#include "api/auth.h"

#include <gtest/gtest.h>

#include <cstring>
#include <mutex>

#include "api_test_support.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace liaison::gateway::api {
namespace {

using liaison::testing::TempDir;

std::string hexOf(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xF];
  }
  return out;
}

// Deterministic bytes: 0, 1, 2, ... continuing across calls.
RandomFill counting() {
  auto next = std::make_shared<std::uint8_t>(0);
  return [next](std::span<std::uint8_t> out) {
    for (auto& b : out) b = (*next)++;
  };
}

class AuthTest : public ::testing::Test {
 protected:
  AuthTest()
      : store_(store::SqliteStore::open(dir_.file("auth.db"))), tokens_(store_->database()) {}

  IssuedToken issue(const std::string& tenant, Role role,
                    std::optional<std::int64_t> expires_at = std::nullopt) {
    IssuedToken out;
    NewToken spec{tenant, "laptop", role, expires_at};
    EXPECT_FALSE(issueToken(tokens_, spec, kNow, &out));
    return out;
  }

  static constexpr std::int64_t kNow = 1'780'300'800;  // 2026-06-01T08:00:00Z
  static constexpr std::int64_t kNowMs = kNow * 1000;

  TempDir dir_;
  std::unique_ptr<store::SqliteStore> store_;
  SqliteTokenStore tokens_;
  std::mutex mu_;
};

TEST(AuthPrimitivesTest, Sha256MatchesTheStandardVectors) {
  EXPECT_EQ(hexOf(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hexOf(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(AuthPrimitivesTest, Base64UrlHasNoPaddingAndUrlSafeLetters) {
  const std::uint8_t bytes[] = {0xfb, 0xff, 0xbf, 'f', 'o'};
  EXPECT_EQ(base64UrlEncode(std::span(bytes, 3)), "-_-_");
  EXPECT_EQ(base64UrlEncode(std::span(bytes + 3, 1)), "Zg");
  EXPECT_EQ(base64UrlEncode(std::span(bytes + 3, 2)), "Zm8");
  EXPECT_EQ(base64UrlEncode({}), "");
}

TEST(AuthPrimitivesTest, ConstantTimeEqualComparesWholeStrings) {
  EXPECT_TRUE(constantTimeEqual("abc", "abc"));
  EXPECT_FALSE(constantTimeEqual("abc", "abd"));
  EXPECT_FALSE(constantTimeEqual("abc", "abcd"));
  EXPECT_TRUE(constantTimeEqual("", ""));
}

TEST(AuthPrimitivesTest, RolesHaveStableNamesAndSets) {
  for (Role r : kAllRoles) EXPECT_EQ(parseRole(roleName(r)), r);
  EXPECT_FALSE(parseRole("Admin"));
  EXPECT_FALSE(parseRole("root"));
  const RoleSet staff = {Role::Admin, Role::Officer};
  EXPECT_TRUE(staff.contains(Role::Admin));
  EXPECT_FALSE(staff.contains(Role::Auditor));
  EXPECT_EQ(staff.list(), (std::vector<Role>{Role::Admin, Role::Officer}));
  EXPECT_EQ(RoleSet::all().list().size(), 4u);
  EXPECT_TRUE(RoleSet{}.empty());
}

TEST(AuthPrimitivesTest, BearerParsingAcceptsOnlyTheBearerScheme) {
  EXPECT_EQ(bearerCredentials("Bearer abc"), "abc");
  EXPECT_EQ(bearerCredentials("bearer   abc  "), "abc");
  EXPECT_EQ(bearerCredentials("BEARER abc"), "abc");
  EXPECT_FALSE(bearerCredentials("Bearer"));
  EXPECT_FALSE(bearerCredentials("Bearer   "));
  EXPECT_FALSE(bearerCredentials("Bearerabc"));
  EXPECT_FALSE(bearerCredentials("Basic YWxhZGRpbjpvcGVuc2VzYW1l"));
  EXPECT_FALSE(bearerCredentials(""));
}

TEST_F(AuthTest, IssuedTokenHasThePrintableFormAndOnlyItsHashIsStored) {
  IssuedToken t;
  NewToken spec{"tenant-a", "ci", Role::Officer, std::nullopt};
  ASSERT_FALSE(issueToken(tokens_, spec, kNow, &t, counting()));
  // 8 id bytes 00..07, then 32 secret bytes 08..27.
  EXPECT_EQ(t.record.id, "0001020304050607");
  EXPECT_EQ(t.record.prefix, "lia_0001020304050607");
  ASSERT_EQ(t.token.size(), kTokenChars);
  EXPECT_EQ(t.token.rfind("lia_0001020304050607_", 0), 0u);
  std::string_view id;
  EXPECT_TRUE(parseToken(t.token, &id));
  EXPECT_EQ(id, "0001020304050607");
  EXPECT_EQ(t.record.secret_hash, sha256(t.token));

  TokenRecord stored;
  ASSERT_FALSE(tokens_.get(t.record.id, &stored));
  EXPECT_EQ(stored.secret_hash, sha256(t.token));
  EXPECT_EQ(stored.role, Role::Officer);
  EXPECT_EQ(stored.tenant_id, "tenant-a");
  EXPECT_EQ(stored.created_at, kNow);
  // Nothing in the row is the secret part of the token.
  const std::string secret = t.token.substr(4 + kTokenIdChars + 1);
  for (const std::string& column : {stored.id, stored.name, stored.prefix, stored.secret_hash}) {
    EXPECT_EQ(column.find(secret), std::string::npos);
  }
}

TEST_F(AuthTest, TwoTokensNeverShareIdOrSecret) {
  IssuedToken a = issue("t", Role::Admin);
  IssuedToken b = issue("t", Role::Admin);
  EXPECT_NE(a.record.id, b.record.id);
  EXPECT_NE(a.token, b.token);
}

TEST_F(AuthTest, IssueRejectsEmptyOrOversizedNames) {
  IssuedToken out;
  EXPECT_EQ(issueToken(tokens_, {"t", "", Role::Admin, {}}, kNow, &out),
            store::StoreErrc::InvalidArgument);
  EXPECT_EQ(issueToken(tokens_, {"t", std::string(101, 'x'), Role::Admin, {}}, kNow, &out),
            store::StoreErrc::InvalidArgument);
  EXPECT_EQ(issueToken(tokens_, {"", "x", Role::Admin, {}}, kNow, &out),
            store::StoreErrc::InvalidArgument);
}

TEST_F(AuthTest, ParseTokenRejectsNearMisses) {
  IssuedToken t = issue("t", Role::Admin);
  EXPECT_TRUE(parseToken(t.token, nullptr));
  EXPECT_FALSE(parseToken(t.token.substr(1), nullptr));
  EXPECT_FALSE(parseToken(t.token + "A", nullptr));
  std::string upper_id = t.token;
  upper_id[4] = 'G';
  EXPECT_FALSE(parseToken(upper_id, nullptr));
  std::string bad_secret = t.token;
  bad_secret.back() = '=';
  EXPECT_FALSE(parseToken(bad_secret, nullptr));
  EXPECT_FALSE(parseToken("lib_" + t.token.substr(4), nullptr));
}

TEST_F(AuthTest, AuthenticatesAnIssuedTokenAsItsTenantAndRole) {
  IssuedToken t = issue("tenant-a", Role::Auditor);
  Authenticator auth(tokens_, mu_);
  AuthResult r = auth.authenticate("Bearer " + t.token, kNowMs);
  ASSERT_TRUE(r.ok()) << r.error.message();
  EXPECT_EQ(r.principal.tenant_id, "tenant-a");
  EXPECT_EQ(r.principal.role, Role::Auditor);
  EXPECT_EQ(r.principal.token_id, t.record.id);
}

TEST_F(AuthTest, RejectsMissingMalformedAndUnknownTokens) {
  IssuedToken t = issue("tenant-a", Role::Admin);
  Authenticator auth(tokens_, mu_);
  EXPECT_EQ(auth.authenticate("", kNowMs).error, AuthErrc::MissingToken);
  EXPECT_EQ(auth.authenticate("Basic abc", kNowMs).error, AuthErrc::MalformedToken);
  EXPECT_EQ(auth.authenticate("Bearer nonsense", kNowMs).error, AuthErrc::MalformedToken);
  // Right id, wrong secret: the hash comparison fails.
  std::string wrong = t.token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(auth.authenticate("Bearer " + wrong, kNowMs).error, AuthErrc::InvalidToken);
  // Unknown id.
  std::string other = t.token;
  other[4] = other[4] == '0' ? '1' : '0';
  EXPECT_EQ(auth.authenticate("Bearer " + other, kNowMs).error, AuthErrc::InvalidToken);
  // Error messages never repeat the token.
  EXPECT_EQ(make_error_code(AuthErrc::InvalidToken).message().find("lia_"), std::string::npos);
}

TEST_F(AuthTest, ExpiredTokensAreRejectedFromTheirExpiryOn) {
  IssuedToken t = issue("tenant-a", Role::Admin, kNow + 60);
  Authenticator auth(tokens_, mu_);
  EXPECT_TRUE(auth.authenticate("Bearer " + t.token, kNowMs).ok());
  EXPECT_TRUE(auth.authenticate("Bearer " + t.token, kNowMs + 59'999).ok());
  EXPECT_EQ(auth.authenticate("Bearer " + t.token, kNowMs + 60'000).error, AuthErrc::Expired);
}

TEST_F(AuthTest, RevokedTokensAreRejectedAndRevocationIsTenantScoped) {
  IssuedToken t = issue("tenant-a", Role::Admin);
  Authenticator auth(tokens_, mu_);
  ASSERT_TRUE(auth.authenticate("Bearer " + t.token, kNowMs).ok());
  store::Transition result{};
  EXPECT_EQ(tokens_.revoke("tenant-b", t.record.id, kNow, &result), store::StoreErrc::NotFound);
  EXPECT_TRUE(auth.authenticate("Bearer " + t.token, kNowMs).ok());
  ASSERT_FALSE(tokens_.revoke("tenant-a", t.record.id, kNow + 1, &result));
  EXPECT_EQ(result, store::Transition::Applied);
  ASSERT_FALSE(tokens_.revoke("tenant-a", t.record.id, kNow + 2, &result));
  EXPECT_EQ(result, store::Transition::Ignored);
  // Revoked behind the authenticator's back (as the CLI does, from another process): its
  // cached row is used until it is record_cache_ms old, then the store says revoked.
  const std::int64_t cache_ms = AuthOptions{}.record_cache_ms;
  EXPECT_TRUE(auth.authenticate("Bearer " + t.token, kNowMs + cache_ms - 1).ok());
  EXPECT_EQ(auth.authenticate("Bearer " + t.token, kNowMs + cache_ms).error, AuthErrc::Revoked);
  TokenRecord stored;
  ASSERT_FALSE(tokens_.get(t.record.id, &stored));
  EXPECT_EQ(stored.revoked_at, kNow + 1);  // the first revocation stands
}

TEST_F(AuthTest, ARevocationTheAuthenticatorIsToldOfTakesEffectAtOnce) {
  IssuedToken t = issue("tenant-a", Role::Officer);
  Authenticator auth(tokens_, mu_);
  ASSERT_TRUE(auth.authenticate("Bearer " + t.token, kNowMs).ok());
  store::Transition result{};
  ASSERT_FALSE(tokens_.revoke("tenant-a", t.record.id, kNow, &result));
  auth.forget(t.record.id);  // what DELETE /v1/tokens/{id} does after revoking
  EXPECT_EQ(auth.authenticate("Bearer " + t.token, kNowMs + 1).error, AuthErrc::Revoked);
  // Without the cache every request reads the store.
  IssuedToken u = issue("tenant-a", Role::Officer);
  AuthOptions uncached;
  uncached.record_cache_ms = 0;
  Authenticator strict(tokens_, mu_, uncached);
  ASSERT_TRUE(strict.authenticate("Bearer " + u.token, kNowMs).ok());
  ASSERT_FALSE(tokens_.revoke("tenant-a", u.record.id, kNow, &result));
  EXPECT_EQ(strict.authenticate("Bearer " + u.token, kNowMs + 1).error, AuthErrc::Revoked);
}

TEST_F(AuthTest, TokenBucketLimitsEachTokenAndSaysWhenToRetry) {
  IssuedToken a = issue("tenant-a", Role::Admin);
  IssuedToken b = issue("tenant-a", Role::Officer);
  AuthOptions options;
  options.burst = 3;
  options.requests_per_second = 0.5;  // one request every 2 s once the burst is used
  Authenticator auth(tokens_, mu_, options);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(auth.authenticate("Bearer " + a.token, kNowMs).ok());
  AuthResult limited = auth.authenticate("Bearer " + a.token, kNowMs);
  EXPECT_EQ(limited.error, AuthErrc::RateLimited);
  EXPECT_EQ(limited.retry_after_s, 2);
  // Another token has its own bucket.
  EXPECT_TRUE(auth.authenticate("Bearer " + b.token, kNowMs).ok());
  // Half-way through the refill: one more second to wait.
  AuthResult later = auth.authenticate("Bearer " + a.token, kNowMs + 1000);
  EXPECT_EQ(later.error, AuthErrc::RateLimited);
  EXPECT_EQ(later.retry_after_s, 1);
  EXPECT_TRUE(auth.authenticate("Bearer " + a.token, kNowMs + 2000).ok());
  EXPECT_EQ(auth.authenticate("Bearer " + a.token, kNowMs + 2000).error, AuthErrc::RateLimited);
  // A bad token is refused before it reaches any bucket.
  EXPECT_EQ(auth.authenticate("Bearer lia_0000000000000000_" + std::string(43, 'A'), kNowMs).error,
            AuthErrc::InvalidToken);
}

TEST_F(AuthTest, RateLimitAnswers429WithRetryAfterThroughTheRouter) {
  RestApiOptions options;
  options.auth.burst = 2;
  options.auth.requests_per_second = 0.25;
  testing::ApiHarness api(options);
  const std::string& token = api.token("tenant-a", Role::Admin);
  EXPECT_EQ(api.call("GET", "/v1/segments", token).status, 200);
  EXPECT_EQ(api.call("GET", "/v1/segments", token).status, 200);
  auto limited = api.call("GET", "/v1/segments", token);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("Retry-After"), "4");
  EXPECT_EQ(limited.json["error"]["code"], "rate_limited");
  api.advanceMs(4000);
  EXPECT_EQ(api.call("GET", "/v1/segments", token).status, 200);
}

TEST_F(AuthTest, LastUseIsRecordedAtMostOncePerInterval) {
  IssuedToken t = issue("tenant-a", Role::Admin);
  AuthOptions options;
  options.touch_interval_s = 60;
  Authenticator auth(tokens_, mu_, options);
  TokenRecord stored;
  ASSERT_FALSE(tokens_.get(t.record.id, &stored));
  EXPECT_FALSE(stored.last_used_at);
  ASSERT_TRUE(auth.authenticate("Bearer " + t.token, kNowMs).ok());
  ASSERT_FALSE(tokens_.get(t.record.id, &stored));
  EXPECT_EQ(stored.last_used_at, kNow);
  ASSERT_TRUE(auth.authenticate("Bearer " + t.token, kNowMs + 30'000).ok());
  ASSERT_FALSE(tokens_.get(t.record.id, &stored));
  EXPECT_EQ(stored.last_used_at, kNow);
  ASSERT_TRUE(auth.authenticate("Bearer " + t.token, kNowMs + 61'000).ok());
  ASSERT_FALSE(tokens_.get(t.record.id, &stored));
  EXPECT_EQ(stored.last_used_at, kNow + 61);
}

TEST_F(AuthTest, ListPagesByCreationTimeWithinTheTenant) {
  for (int i = 0; i < 5; ++i) {
    IssuedToken out;
    ASSERT_FALSE(issueToken(tokens_, {"tenant-a", "t" + std::to_string(i), Role::Analyst, {}},
                            kNow + i, &out));
  }
  issue("tenant-b", Role::Admin);
  std::vector<TokenRecord> page;
  ASSERT_FALSE(tokens_.list("tenant-a", 0, "", 2, &page));
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].name, "t0");
  EXPECT_EQ(page[1].name, "t1");
  std::vector<TokenRecord> rest;
  ASSERT_FALSE(tokens_.list("tenant-a", page[1].created_at, page[1].id, 10, &rest));
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].name, "t2");
  EXPECT_EQ(rest[2].name, "t4");
  for (const TokenRecord& r : rest) EXPECT_EQ(r.tenant_id, "tenant-a");
}

}  // namespace
}  // namespace liaison::gateway::api
