// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The schemas encode and decode losslessly, and their wire forms keep the promises the
// README in proto/ makes (time types wire-compatible with the well-known types).
#include <gtest/gtest.h>

#include "liaison/sync/v1/sync.pb.h"
#include "liaison/v1/campaigns.pb.h"
#include "liaison/v1/contacts.pb.h"

namespace {

using liaison::v1::Campaign;
using liaison::v1::Contact;

Contact sampleContact() {
  Contact c;
  c.set_id("018f3e5a-7b1c-7cde-9f00-0123456789ab");
  c.set_tenant_id("ministry-x");
  c.set_phone_e164("+4915112345678");
  c.set_language("tr");
  c.mutable_location()->set_country("DE");
  c.mutable_location()->set_city("Köln");
  c.set_time_zone("Europe/Berlin");
  auto* skills = c.add_custom_fields();
  skills->set_key("skills");
  skills->mutable_words()->add_values("nurse");
  skills->mutable_words()->add_values("driver");
  c.add_groups("volunteers");
  c.set_status(liaison::v1::CONTACT_STATUS_ACTIVE);
  auto* consent = c.add_consents();
  consent->set_channel(liaison::v1::CONSENT_CHANNEL_FIELD_REGISTRATION);
  consent->set_wording_version("2026-03");
  consent->mutable_given_at()->set_seconds(1'790'000'000);
  return c;
}

TEST(SchemaRoundTrip, ContactSurvivesEncodeDecode) {
  const Contact in = sampleContact();
  std::string wire;
  ASSERT_TRUE(in.SerializeToString(&wire));
  Contact out;
  ASSERT_TRUE(out.ParseFromString(wire));
  EXPECT_EQ(out.SerializeAsString(), wire);
  EXPECT_EQ(out.location().city(), "Köln");
  ASSERT_EQ(out.custom_fields_size(), 1);
  EXPECT_EQ(out.custom_fields(0).words().values(1), "driver");
  EXPECT_EQ(out.consents(0).given_at().seconds(), 1'790'000'000);
}

TEST(SchemaRoundTrip, PollWithBranchingSurvivesEncodeDecode) {
  Campaign in;
  in.set_id("c1");
  auto* poll = in.mutable_poll();
  auto* q = poll->add_questions();
  q->set_id("q1");
  auto* t = q->mutable_prompt()->add_translations();
  t->set_language("fr");
  t->set_text("Voulez-vous rentrer ? 1=Oui 2=Non");
  auto* choice = q->mutable_single_choice()->add_choices();
  choice->set_id("yes");
  auto* syn = choice->add_synonyms();
  syn->set_language("fr");
  syn->add_words("oui");
  auto* rule = q->add_branches();
  rule->set_choice_id("yes");
  rule->set_goto_question_id("q2");
  q->set_max_reasks(2);
  in.set_resend_policy(liaison::v1::RESEND_POLICY_NEVER);

  Campaign out;
  ASSERT_TRUE(out.ParseFromString(in.SerializeAsString()));
  ASSERT_TRUE(out.has_poll());
  EXPECT_FALSE(out.has_notice());
  const auto& q1 = out.poll().questions(0);
  EXPECT_EQ(q1.kind_case(), liaison::v1::Question::kSingleChoice);
  EXPECT_EQ(q1.branches(0).when_case(), liaison::v1::BranchRule::kChoiceId);
  EXPECT_EQ(q1.single_choice().choices(0).synonyms(0).words(0), "oui");
  EXPECT_EQ(out.resend_policy(), liaison::v1::RESEND_POLICY_NEVER);
}

TEST(SchemaRoundTrip, SyncRequestCarriesOperationsInOrder) {
  liaison::sync::v1::SyncRequest req;
  req.set_protocol_version(1);
  req.set_device_id("dev-7");
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    auto* op = req.mutable_push()->add_operations();
    op->set_device_id("dev-7");
    op->set_device_seq(seq);
    op->mutable_hlc()->set_wall_ms(1'790'000'000'000 + seq);
    op->mutable_submission()->mutable_submission()->set_form_id("registration");
  }
  auto* cursor = req.add_cursors();
  cursor->set_scope("forms");
  cursor->set_seq(42);

  liaison::sync::v1::SyncRequest out;
  ASSERT_TRUE(out.ParseFromString(req.SerializeAsString()));
  ASSERT_EQ(out.push().operations_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(out.push().operations(i).device_seq(), static_cast<uint64_t>(i + 1));
    EXPECT_EQ(out.push().operations(i).payload_case(), liaison::sync::v1::Operation::kSubmission);
  }
  EXPECT_EQ(out.cursors(0).seq(), 42u);
}

// liaison.v1.Timestamp must stay byte-compatible with google.protobuf.Timestamp
// (field 1 int64 seconds, field 2 int32 nanos): check the exact wire bytes.
TEST(SchemaRoundTrip, TimestampWireFormatMatchesWellKnownType) {
  liaison::v1::Timestamp ts;
  ts.set_seconds(1);
  ts.set_nanos(2);
  EXPECT_EQ(ts.SerializeAsString(), std::string("\x08\x01\x10\x02", 4));
}

TEST(SchemaRoundTrip, GarbageIsRejectedNotCrashing) {
  liaison::sync::v1::SyncRequest req;
  // A length-delimited field claiming 100 bytes with only 2 present.
  const std::string truncated("\x1a\x64\x0a\x01", 4);
  EXPECT_FALSE(req.ParseFromString(truncated));
}

}  // namespace
