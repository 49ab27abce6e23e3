// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The sync envelope codec: round trips, and one table of bad inputs, each with the Status code
// and wire ErrorCode it must produce. Also record-level checks and the pull-page seal.
#include "liaison/sync/batch_codec.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "liaison/sync/crc32c.h"
#include "sync_test_util.h"

namespace liaison::sync {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace): test builders

const std::string kDevice = "dev-a";

v1::SyncRequest validRequest() {
  v1::SyncRequest req =
      request(kDevice,
              {submission(kDevice, 7, 1'000, uuid7(1)),
               update(kDevice, 8, 1'001, "m1", {{"language", "fr"}, {"time_zone", "Europe/Paris"}}),
               remove(kDevice, 9, 1'002, "m2")});
  v1::Cursor* c = req.add_cursors();
  c->set_scope("forms");
  c->set_seq(12);
  req.set_max_records(100);
  return req;
}

std::span<const uint8_t> asBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Serialises with a correct checksum but no validation, so tables can build bad requests.
std::string raw(v1::SyncRequest req) {
  if (req.has_push()) req.mutable_push()->set_crc32c(batchChecksum(req.push()));
  return req.SerializeAsString();
}

TEST(BatchCodec, EncodeDecodeRoundTrip) {
  Result<std::string> bytes = encodeSyncRequest(validRequest());
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  Result<v1::SyncRequest> back = decodeSyncRequest(asBytes(*bytes));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->SerializeAsString(), *bytes);
  EXPECT_EQ(back->push().operations_size(), 3);
  EXPECT_NE(back->push().crc32c(), 0u);
}

TEST(BatchCodec, EncoderFillsProtocolVersion) {
  v1::SyncRequest req = validRequest();
  req.clear_protocol_version();
  Result<std::string> bytes = encodeSyncRequest(req);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(decodeSyncRequest(asBytes(*bytes))->protocol_version(), kProtocolVersion);
}

TEST(BatchCodec, PullOnlyRequestNeedsNoBatch) {
  v1::SyncRequest req;
  req.set_protocol_version(1);
  req.set_device_id(kDevice);
  req.add_cursors()->set_scope("notices:DE");
  Result<std::string> bytes = encodeSyncRequest(req);
  ASSERT_TRUE(bytes.ok());
  EXPECT_TRUE(decodeSyncRequest(asBytes(*bytes)).ok());
}

TEST(BatchCodec, ChecksumIsOverTheRawOperationBytes) {
  const v1::SyncRequest req = validRequest();
  std::string concat;
  for (const v1::Operation& op : req.push().operations()) concat += op.SerializeAsString();
  EXPECT_EQ(batchChecksum(req.push()), crc32c(concat));
}

TEST(BatchCodec, EncoderRefusesWhatTheGatewayWouldRefuse) {
  v1::SyncRequest req = validRequest();
  req.mutable_push()->mutable_operations(1)->set_device_seq(20);
  Result<std::string> bytes = encodeSyncRequest(req);
  ASSERT_FALSE(bytes.ok());
  EXPECT_TRUE(bytes.status().IsInvalidArgument());
}

TEST(BatchCodec, UnknownFieldsAreTolerated) {
  std::string bytes = raw(validRequest());
  bytes += std::string("\xF8\x07\x01", 3);  // field 127, varint 1: a later minor addition
  EXPECT_TRUE(decodeSyncRequest(asBytes(bytes)).ok());
}

struct BadInput {
  const char* name;
  std::function<std::string()> bytes;
  Status::Code code;
  BatchLimits limits{};
};
void PrintTo(const BadInput& c, std::ostream* os) { *os << c.name; }

std::string mutated(const std::function<void(v1::SyncRequest*)>& edit) {
  v1::SyncRequest req = validRequest();
  edit(&req);
  return raw(req);
}

BatchLimits tight(const std::function<void(BatchLimits*)>& edit) {
  BatchLimits l;
  edit(&l);
  return l;
}

using Code = Status::Code;

const BadInput kBadInputs[] = {
    {"TruncatedMidOperation",
     [] {
       std::string b = raw(validRequest());
       return b.substr(0, b.size() / 2);
     },
     Code::InvalidArgument},
    {"TruncatedByOneByte",
     [] {
       std::string b = raw(validRequest());
       b.pop_back();
       return b;
     },
     Code::InvalidArgument},
    {"CorruptChecksum",
     [] {
       v1::SyncRequest r = validRequest();
       r.mutable_push()->set_crc32c(batchChecksum(r.push()) ^ 1u);
       return r.SerializeAsString();
     },
     Code::Corruption},
    {"OperationBitFlipped",
     [] {
       v1::SyncRequest r = validRequest();
       r.mutable_push()->set_crc32c(batchChecksum(r.push()));
       r.mutable_push()
           ->mutable_operations(1)
           ->mutable_entity_update()
           ->mutable_fields(0)
           ->set_value("es");
       return r.SerializeAsString();
     },
     Code::Corruption},
    {"OperationDroppedAfterSealing",
     [] {
       v1::SyncRequest r = validRequest();
       r.mutable_push()->set_crc32c(batchChecksum(r.push()));
       r.mutable_push()->mutable_operations()->RemoveLast();
       return r.SerializeAsString();
     },
     Code::Corruption},
    {"ChecksumMissing",
     [] {
       v1::SyncRequest r = validRequest();
       r.mutable_push()->clear_crc32c();
       return r.SerializeAsString();
     },
     Code::Corruption},
    {"RequestOverByteCap", [] { return raw(validRequest()); }, Code::ResourceExhausted,
     tight([](BatchLimits* l) { l->max_request_bytes = 64; })},
    {"TooManyOperations", [] { return raw(validRequest()); }, Code::ResourceExhausted,
     tight([](BatchLimits* l) { l->max_operations = 2; })},
    {"OperationOverByteCap", [] { return raw(validRequest()); }, Code::ResourceExhausted,
     tight([](BatchLimits* l) { l->max_operation_bytes = 40; })},
    {"TooManyCursors", [] { return raw(validRequest()); }, Code::ResourceExhausted,
     tight([](BatchLimits* l) { l->max_cursors = 0; })},
    {"TooManyFields", [] { return raw(validRequest()); }, Code::ResourceExhausted,
     tight([](BatchLimits* l) { l->max_fields_per_update = 1; })},
    {"FieldValueOverCap", [] { return raw(validRequest()); }, Code::ResourceExhausted,
     tight([](BatchLimits* l) { l->max_field_value_bytes = 4; })},
    {"VersionZero", [] { return mutated([](v1::SyncRequest* r) { r->clear_protocol_version(); }); },
     Code::Unsupported},
    {"VersionFromTheFuture",
     [] { return mutated([](v1::SyncRequest* r) { r->set_protocol_version(2); }); },
     Code::Unsupported},
    {"OperationFromAnotherDevice",
     [] {
       return mutated([](v1::SyncRequest* r) {
         r->mutable_push()->mutable_operations(1)->set_device_id("dev-b");
       });
     },
     Code::InvalidArgument},
    {"MissingDeviceId", [] { return mutated([](v1::SyncRequest* r) { r->clear_device_id(); }); },
     Code::InvalidArgument},
    {"DeviceIdWithSpace",
     [] { return mutated([](v1::SyncRequest* r) { r->set_device_id("dev a"); }); },
     Code::InvalidArgument},
    {"GapInsideBatch",
     [] {
       return mutated([](v1::SyncRequest* r) {
         r->mutable_push()->mutable_operations(2)->set_device_seq(11);
       });
     },
     Code::InvalidArgument},
    {"SeqGoesBackwards",
     [] {
       return mutated(
           [](v1::SyncRequest* r) { r->mutable_push()->mutable_operations(2)->set_device_seq(7); });
     },
     Code::InvalidArgument},
    {"SeqRepeated",
     [] {
       return mutated(
           [](v1::SyncRequest* r) { r->mutable_push()->mutable_operations(1)->set_device_seq(7); });
     },
     Code::InvalidArgument},
    {"SeqZero",
     [] {
       return mutated([](v1::SyncRequest* r) {
         for (int i = 0; i < 3; ++i) r->mutable_push()->mutable_operations(i)->set_device_seq(0);
       });
     },
     Code::InvalidArgument},
    {"MissingHlc",
     [] {
       return mutated(
           [](v1::SyncRequest* r) { r->mutable_push()->mutable_operations(0)->clear_hlc(); });
     },
     Code::InvalidArgument},
    {"PayloadUnset",
     [] {
       return mutated(
           [](v1::SyncRequest* r) { r->mutable_push()->mutable_operations(2)->clear_payload(); });
     },
     Code::InvalidArgument},
    {"SubmissionRecordUnset",
     [] {
       return mutated([](v1::SyncRequest* r) {
         r->mutable_push()->mutable_operations(0)->mutable_submission()->clear_record();
       });
     },
     Code::InvalidArgument},
    {"SubmissionIdNotV7",
     [] {
       return mutated([](v1::SyncRequest* r) {
         r->mutable_push()->mutable_operations(0)->mutable_submission()->set_submission_id(
             "0190b1c8-7a3e-4c41-9d2e-5f0a1b2c3d4e");
       });
     },
     Code::InvalidArgument},
    {"ContentHashWrongLength",
     [] {
       return mutated([](v1::SyncRequest* r) {
         r->mutable_push()->mutable_operations(0)->mutable_submission()->set_content_hash("short");
       });
     },
     Code::InvalidArgument},
    {"UpdateWithoutFields",
     [] {
       return mutated([](v1::SyncRequest* r) {
         r->mutable_push()->mutable_operations(1)->mutable_entity_update()->clear_fields();
       });
     },
     Code::InvalidArgument},
    {"FieldWrittenTwice",
     [] {
       return mutated([](v1::SyncRequest* r) {
         auto* u = r->mutable_push()->mutable_operations(1)->mutable_entity_update();
         u->mutable_fields(1)->set_field(u->fields(0).field());
       });
     },
     Code::InvalidArgument},
    {"EntityIdMissing",
     [] {
       return mutated([](v1::SyncRequest* r) {
         r->mutable_push()->mutable_operations(2)->mutable_entity_delete()->clear_entity_id();
       });
     },
     Code::InvalidArgument},
    {"BaseVersionWithoutHlc",
     [] {
       return mutated([](v1::SyncRequest* r) {
         auto* f =
             r->mutable_push()->mutable_operations(1)->mutable_entity_update()->mutable_fields(0);
         f->mutable_base()->set_device_id("dev-b");
       });
     },
     Code::InvalidArgument},
    {"CursorScopeRepeated",
     [] { return mutated([](v1::SyncRequest* r) { *r->add_cursors() = r->cursors(0); }); },
     Code::InvalidArgument},
    {"GroupWireType", [] { return raw(validRequest()) + std::string("\x0B\x0C", 2); },
     Code::InvalidArgument},
    {"PushFieldTwice",
     [] {
       v1::SyncRequest r = validRequest();
       std::string b = raw(r);
       v1::SyncRequest only_push;
       *only_push.mutable_push() = r.push();
       only_push.mutable_push()->set_crc32c(batchChecksum(r.push()));
       return b + only_push.SerializeAsString();
     },
     Code::InvalidArgument},
    {"LengthBeyondEnd", [] { return std::string("\x08\x01\x1A\xFF\xFF\x03", 6); },
     Code::InvalidArgument},
    {"OverlongVarint",
     [] { return std::string("\x08\x81\x80\x80\x80\x80\x80\x80\x80\x80\x02", 11); },
     Code::InvalidArgument},
    {"FieldNumberZero", [] { return std::string("\x08\x01\x00\x00", 4); }, Code::InvalidArgument},
    {"WrongWireTypeForPush", [] { return std::string("\x08\x01\x18\x01", 4); },
     Code::InvalidArgument},
};

class BatchCodecRejects : public ::testing::TestWithParam<BadInput> {};

TEST_P(BatchCodecRejects, WithCodeAndPiiFreeMessage) {
  const BadInput& c = GetParam();
  const std::string bytes = c.bytes();
  Result<v1::SyncRequest> got = decodeSyncRequest(asBytes(bytes), c.limits);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), c.code) << got.status().ToString();
  EXPECT_EQ(errorCodeForDecode(got.status()), c.code == Code::Unsupported
                                                  ? v1::ERROR_CODE_UNSUPPORTED_VERSION
                                                  : v1::ERROR_CODE_BATCH_INVALID);
  // Nothing from inside the request reaches the message.
  for (const char* secret : {"Europe/Paris", "dev-a", "dev-b", "m1", "campaign-1"}) {
    EXPECT_EQ(got.status().message().find(secret), std::string::npos) << secret;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, BatchCodecRejects, ::testing::ValuesIn(kBadInputs),
                         [](const ::testing::TestParamInfo<BadInput>& p) {
                           return std::string(p.param.name);
                         });

// Record-level checks: one bad record rejects only its op (ERROR_CODE_RECORD_INVALID).
struct BadRecord {
  const char* name;
  std::function<void(v1::Operation*)> edit;
};
void PrintTo(const BadRecord& c, std::ostream* os) { *os << c.name; }

v1::Operation formSubmission() {
  v1::Operation op = envelope(kDevice, 1, 1'000);
  v1::SubmissionOp* s = op.mutable_submission();
  s->set_submission_id(uuid7(9));
  s->set_content_hash(std::string(32, 'h'));
  liaison::v1::Submission* r = s->mutable_submission();
  r->set_id(uuid7(9));
  r->set_form_id("household-survey");
  r->set_form_version(3);
  r->set_state(liaison::v1::SUBMISSION_STATE_FINALISED);
  liaison::v1::FieldValue* v = r->add_values();
  v->set_field_id("members");
  v->set_number(4);
  return op;
}

v1::Operation registration() {
  v1::Operation op = envelope(kDevice, 1, 1'000);
  v1::SubmissionOp* s = op.mutable_submission();
  s->set_submission_id(uuid7(10));
  s->set_content_hash(std::string(32, 'r'));
  liaison::v1::Registration* r = s->mutable_registration();
  r->mutable_contact()->set_id(uuid7(10));
  r->mutable_contact()->set_status(liaison::v1::CONTACT_STATUS_ACTIVE);
  r->mutable_consent()->set_channel(liaison::v1::CONSENT_CHANNEL_FIELD_REGISTRATION);
  return op;
}

TEST(ValidateRecord, ValidRecordsPass) {
  EXPECT_TRUE(validateRecord(formSubmission()).ok());
  EXPECT_TRUE(validateRecord(registration()).ok());
  EXPECT_TRUE(validateRecord(submission(kDevice, 1, 1, uuid7(1))).ok());
  EXPECT_TRUE(validateRecord(update(kDevice, 1, 1, "m", {{"f", "v"}})).ok());
}

const BadRecord kBadRecords[] = {
    {"SubmissionStateUnspecified",
     [](v1::Operation* op) {
       op->mutable_submission()->mutable_submission()->set_state(
           liaison::v1::SUBMISSION_STATE_UNSPECIFIED);
     }},
    {"SubmissionDraft",
     [](v1::Operation* op) {
       op->mutable_submission()->mutable_submission()->set_state(
           liaison::v1::SUBMISSION_STATE_DRAFT);
     }},
    {"SubmissionIdMismatch",
     [](v1::Operation* op) { op->mutable_submission()->mutable_submission()->set_id(uuid7(8)); }},
    {"FieldValueOneofUnset",
     [](v1::Operation* op) {
       op->mutable_submission()->mutable_submission()->mutable_values(0)->clear_value();
     }},
    {"FormVersionMissing",
     [](v1::Operation* op) {
       op->mutable_submission()->mutable_submission()->set_form_version(0);
     }},
    {"CorrectsIdNotUuid",
     [](v1::Operation* op) {
       op->mutable_submission()->mutable_submission()->set_corrects_id("previous");
     }},
    {"ContactStatusUnspecified",
     [](v1::Operation* op) {
       *op = registration();
       op->mutable_submission()->mutable_registration()->mutable_contact()->set_status(
           liaison::v1::CONTACT_STATUS_UNSPECIFIED);
     }},
    {"ConsentChannelUnspecified",
     [](v1::Operation* op) {
       *op = registration();
       op->mutable_submission()->mutable_registration()->mutable_consent()->set_channel(
           liaison::v1::CONSENT_CHANNEL_UNSPECIFIED);
     }},
    {"RegistrationIdMismatch",
     [](v1::Operation* op) {
       *op = registration();
       op->mutable_submission()->mutable_registration()->mutable_contact()->set_id(uuid7(11));
     }},
    {"PollSourceUnspecified",
     [](v1::Operation* op) {
       *op = submission(kDevice, 1, 1, uuid7(1));
       op->mutable_submission()->mutable_poll_response()->set_source(
           liaison::v1::PollResponse::SOURCE_UNSPECIFIED);
     }},
    {"PollAnswerUnset",
     [](v1::Operation* op) {
       *op = submission(kDevice, 1, 1, uuid7(1));
       op->mutable_submission()->mutable_poll_response()->clear_answer();
     }},
};

class ValidateRecordRejects : public ::testing::TestWithParam<BadRecord> {};

TEST_P(ValidateRecordRejects, WithInvalidArgument) {
  v1::Operation op = formSubmission();
  GetParam().edit(&op);
  Status st = validateRecord(op);
  EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
}

INSTANTIATE_TEST_SUITE_P(Table, ValidateRecordRejects, ::testing::ValuesIn(kBadRecords),
                         [](const ::testing::TestParamInfo<BadRecord>& p) {
                           return std::string(p.param.name);
                         });

TEST(PullPage, SealedPageVerifies) {
  v1::SyncResponse page;
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    v1::PublishedRecord* r = page.add_records();
    r->set_scope("forms");
    r->set_seq(seq);
    r->mutable_form()->set_id("f" + std::to_string(seq));
  }
  sealPage(&page);
  EXPECT_EQ(page.record_count(), 3u);
  EXPECT_TRUE(verifyPage(page).ok());
}

TEST(PullPage, TruncatedPageIsNeverApplied) {
  v1::SyncResponse page;
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    v1::PublishedRecord* r = page.add_records();
    r->set_scope("forms");
    r->set_seq(seq);
  }
  sealPage(&page);
  // A page cut at a record boundary still parses as protobuf; the seal catches it.
  v1::SyncResponse shorter = page;
  shorter.mutable_records()->RemoveLast();
  EXPECT_TRUE(verifyPage(shorter).IsCorruption());
  v1::SyncResponse flipped = page;
  flipped.mutable_records(1)->set_seq(9);
  EXPECT_TRUE(verifyPage(flipped).IsCorruption());
}

}  // namespace
}  // namespace liaison::sync
