// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Store: member registration with consent, found by id or by phone number (blind index).
#include <utility>

#include "forms.h"
#include "store.h"

namespace liaison::mobile {

namespace {

using sync::Status;

constexpr int kRecordKindMember = 1;

}  // namespace

sync::Result<std::string> Store::registerMember(pb::Registration r) {
  std::lock_guard lock(mu_);
  pb::Contact* c = r.mutable_contact();
  pb::ConsentRecord* consent = r.mutable_consent();
  if (!isE164(c->phone_e164())) {
    return Status::InvalidArgument("registration: phone number is not E.164");
  }
  if (consent->wording_version().empty() || consent->language().empty()) {
    return Status::InvalidArgument("registration: consent wording version and language needed");
  }
  if (consent->recorded_by().empty()) {
    return Status::InvalidArgument("registration: consent must name who recorded it");
  }
  if (!device_id_) return Status::Unavailable("the store is not enrolled yet");

  const std::string id = uuids_.next().toString();
  c->set_id(id);
  c->set_status(pb::CONTACT_STATUS_ACTIVE);
  *c->mutable_created_at() = timestampNow();
  *c->mutable_updated_at() = c->created_at();
  c->clear_consents();  // the consent travels once, beside the contact
  *consent->mutable_given_at() = c->created_at();
  consent->set_channel(pb::CONSENT_CHANNEL_FIELD_REGISTRATION);
  consent->clear_withdrawn_at();

  std::string record;
  if (!r.SerializeToString(&record)) return Status::Internal("cannot encode a registration");
  const std::string hash = sha256(record);

  Transaction txn(*db_);
  if (auto st = txn.begin(); !st.ok()) return st;
  auto op = nextOperation(txn);
  if (!op.ok()) return op.status();
  wire::SubmissionOp* sub = op->op.mutable_submission();
  sub->set_content_hash(hash);
  sub->set_submission_id(id);
  *sub->mutable_registration() = r;

  auto ins = db_->cached(
      "INSERT INTO members(id, phone_index, sealed, content_hash, created_ms, device_seq, "
      "sync_state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 2) ON CONFLICT(phone_index) DO NOTHING");
  if (!ins.ok()) return ins.status();
  if (auto st = (*ins)
                    ->bind(1, id)
                    .bindBlob(2, cipher_.blindIndex(c->phone_e164()))
                    .bindBlob(3, cipher_.seal(record, rowName("members", id)))
                    .bindBlob(4, hash)
                    .bind(5, static_cast<int64_t>(nowMs()))
                    .bind(6, static_cast<int64_t>(op->device_seq))
                    .run();
      !st.ok()) {
    return st;
  }
  if (db_->changes() == 0) {
    return Status::Conflict("a member with this phone number is already registered");
  }
  if (auto st = appendOutbox(txn, kRecordKindMember, id, op->op); !st.ok()) return st;
  if (auto st = txn.commit(); !st.ok()) return st;
  return id;
}

sync::Result<views::MemberView> Store::memberWhere(std::string_view sql, std::string_view key) {
  auto s = db_->cached(sql);
  if (!s.ok()) return s.status();
  (*s)->bindBlob(1, key);
  auto row = (*s)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such member");
  const std::string id((*s)->text(0));
  auto reg = openRecord<pb::Registration>((*s)->blob(1), rowName("members", id));
  if (!reg.ok()) return reg.status();
  views::MemberView v;
  *v.mutable_registration() = std::move(reg).value();
  *v.mutable_sync() = syncStatusFromRow(**s, 2);
  return v;
}

sync::Result<views::MemberView> Store::member(const std::string& id) {
  std::lock_guard lock(mu_);
  return memberWhere(
      "SELECT id, sealed, device_seq, sync_state, rejection_code, rejection_detail FROM members "
      "WHERE id = CAST(?1 AS TEXT)",
      id);
}

sync::Result<views::MemberView> Store::memberByPhone(const std::string& phone_e164) {
  std::lock_guard lock(mu_);
  if (!isE164(phone_e164)) return Status::InvalidArgument("phone number is not E.164");
  return memberWhere(
      "SELECT id, sealed, device_seq, sync_state, rejection_code, rejection_detail FROM members "
      "WHERE phone_index = ?1",
      cipher_.blindIndex(phone_e164));
}

sync::Result<views::MemberList> Store::listMembers() {
  std::lock_guard lock(mu_);
  auto s = db_->cached(
      "SELECT id, sealed, device_seq, sync_state, rejection_code, rejection_detail FROM members "
      "ORDER BY created_ms DESC, id DESC");
  if (!s.ok()) return s.status();
  views::MemberList out;
  for (;;) {
    auto row = (*s)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::string id((*s)->text(0));
    auto reg = openRecord<pb::Registration>((*s)->blob(1), rowName("members", id));
    if (!reg.ok()) return reg.status();
    views::MemberView* v = out.add_members();
    *v->mutable_registration() = std::move(reg).value();
    *v->mutable_sync() = syncStatusFromRow(**s, 2);
  }
  return out;
}

}  // namespace liaison::mobile
