// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Store: forms, and submissions from draft to finalised (immutable; corrections are new).
#include <utility>

#include "forms.h"
#include "liaison/sync/uuid.h"
#include "store.h"

namespace liaison::mobile {

namespace {

using sync::Status;

constexpr int kRecordKindSubmission = 2;
constexpr int64_t kDraft = pb::SUBMISSION_STATE_DRAFT;

std::string formRow(const std::string& form_id, int32_t version) {
  return rowName("forms", form_id + "/" + std::to_string(version));
}

constexpr std::string_view kSubmissionColumns =
    "SELECT id, sealed, device_seq, sync_state, rejection_code, rejection_detail, content_hash, "
    "state, created_ms FROM submissions ";

}  // namespace

// ---- Forms ----

sync::Status Store::putFormLocked(const pb::Form& form) {
  if (auto st = validateForm(form); !st.ok()) return st;
  std::string bytes;
  if (!form.SerializeToString(&bytes)) return Status::Internal("cannot encode a form");
  auto s = db_->cached(
      "INSERT INTO forms(form_id, version, sealed, received_ms) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT(form_id, version) DO UPDATE SET sealed = excluded.sealed, "
      "received_ms = excluded.received_ms");
  if (!s.ok()) return s.status();
  return (*s)
      ->bind(1, form.id())
      .bind(2, form.version())
      .bindBlob(3, cipher_.seal(bytes, formRow(form.id(), form.version())))
      .bind(4, static_cast<int64_t>(nowMs()))
      .run();
}

sync::Status Store::putForm(const pb::Form& form) {
  std::lock_guard lock(mu_);
  Transaction txn(*db_);
  if (auto st = txn.begin(); !st.ok()) return st;
  if (auto st = putFormLocked(form); !st.ok()) return st;
  return txn.commit();
}

sync::Result<pb::Form> Store::formLocked(const std::string& form_id, int32_t version) {
  auto s = db_->cached(
      "SELECT version, sealed FROM forms WHERE form_id = ?1 AND (?2 = 0 OR version = ?2) "
      "ORDER BY version DESC LIMIT 1");
  if (!s.ok()) return s.status();
  (*s)->bind(1, form_id).bind(2, version);
  auto row = (*s)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("the form is not on this device");
  return openRecord<pb::Form>((*s)->blob(1),
                              formRow(form_id, static_cast<int32_t>((*s)->int64(0))));
}

sync::Result<pb::Form> Store::form(const std::string& form_id, int32_t version) {
  std::lock_guard lock(mu_);
  return formLocked(form_id, version);
}

sync::Result<views::FormList> Store::listForms() {
  std::lock_guard lock(mu_);
  auto s = db_->cached(
      "SELECT form_id, version, sealed FROM forms AS f WHERE version = "
      "(SELECT max(version) FROM forms WHERE form_id = f.form_id) ORDER BY form_id");
  if (!s.ok()) return s.status();
  views::FormList out;
  for (;;) {
    auto row = (*s)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    auto f = openRecord<pb::Form>(
        (*s)->blob(2), formRow(std::string((*s)->text(0)), static_cast<int32_t>((*s)->int64(1))));
    if (!f.ok()) return f.status();
    *out.add_forms() = std::move(f).value();
  }
  return out;
}

// ---- Submissions ----

sync::Result<std::string> Store::saveDraft(pb::Submission draft) {
  std::lock_guard lock(mu_);
  if (draft.form_id().empty() || draft.form_version() <= 0) {
    return Status::InvalidArgument("draft: form id and version needed");
  }
  auto form = formLocked(draft.form_id(), draft.form_version());
  if (!form.ok()) return form.status();
  if (auto st = checkSubmission(*form, draft, CheckMode::Draft); !st.ok()) return st;

  Transaction txn(*db_);
  if (auto st = txn.begin(); !st.ok()) return st;
  if (!draft.corrects_id().empty()) {
    auto s = db_->cached("SELECT form_id FROM submissions WHERE id = ?1 AND state = 2");
    if (!s.ok()) return s.status();
    (*s)->bind(1, draft.corrects_id());
    auto row = (*s)->step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("a correction must name a finalised submission");
    if ((*s)->text(0) != draft.form_id()) {
      return Status::InvalidArgument("a correction must use the same form");
    }
  }
  const uint64_t now = nowMs();
  std::string id = draft.id();
  if (id.empty()) {
    id = uuids_.next().toString();
    draft.set_id(id);
    *draft.mutable_created_at() = timestampNow();
  } else {
    auto s = db_->cached("SELECT state, sealed FROM submissions WHERE id = ?1");
    if (!s.ok()) return s.status();
    (*s)->bind(1, id);
    auto row = (*s)->step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("no such draft");
    if ((*s)->int64(0) != kDraft) {
      return Status::Conflict("finalised submissions are immutable: save a correction");
    }
    auto old = openRecord<pb::Submission>((*s)->blob(1), rowName("submissions", id));
    if (!old.ok()) return old.status();
    *draft.mutable_created_at() = old->created_at();
  }
  draft.set_state(pb::SUBMISSION_STATE_DRAFT);
  draft.clear_device_id();
  std::string bytes;
  if (!draft.SerializeToString(&bytes)) return Status::Internal("cannot encode a submission");
  auto up = db_->cached(
      "INSERT INTO submissions(id, form_id, form_version, state, corrects_id, sealed, "
      "created_ms, updated_ms, sync_state) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6, ?6, 1) "
      "ON CONFLICT(id) DO UPDATE SET form_id = excluded.form_id, "
      "form_version = excluded.form_version, corrects_id = excluded.corrects_id, "
      "sealed = excluded.sealed, updated_ms = excluded.updated_ms WHERE state = 1");
  if (!up.ok()) return up.status();
  (*up)->bind(1, id).bind(2, draft.form_id()).bind(3, draft.form_version());
  if (draft.corrects_id().empty()) {
    (*up)->bindNull(4);
  } else {
    (*up)->bind(4, draft.corrects_id());
  }
  (*up)->bindBlob(5, cipher_.seal(bytes, rowName("submissions", id)));
  (*up)->bind(6, static_cast<int64_t>(now));
  if (auto st = (*up)->run(); !st.ok()) return st;
  if (auto st = txn.commit(); !st.ok()) return st;
  return id;
}

sync::Status Store::discardDraft(const std::string& id) {
  std::lock_guard lock(mu_);
  auto s = db_->cached("SELECT state FROM submissions WHERE id = ?1");
  if (!s.ok()) return s.status();
  (*s)->bind(1, id);
  auto row = (*s)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such draft");
  if ((*s)->int64(0) != kDraft) {
    return Status::Conflict("finalised submissions are never deleted");
  }
  auto del = db_->cached("DELETE FROM submissions WHERE id = ?1 AND state = 1");
  if (!del.ok()) return del.status();
  return (*del)->bind(1, id).run();
}

sync::Result<views::SubmissionView> Store::finalise(const std::string& id) {
  std::lock_guard lock(mu_);
  if (!device_id_) return Status::Unavailable("the store is not enrolled yet");
  Transaction txn(*db_);
  if (auto st = txn.begin(); !st.ok()) return st;
  pb::Submission sub;
  {
    auto s = db_->cached("SELECT state, sealed FROM submissions WHERE id = ?1");
    if (!s.ok()) return s.status();
    (*s)->bind(1, id);
    auto row = (*s)->step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("no such draft");
    if ((*s)->int64(0) != kDraft) return Status::Conflict("the submission is already finalised");
    auto opened = openRecord<pb::Submission>((*s)->blob(1), rowName("submissions", id));
    if (!opened.ok()) return opened.status();
    sub = std::move(opened).value();
  }
  auto form = formLocked(sub.form_id(), sub.form_version());
  if (!form.ok()) return form.status();
  if (auto st = checkSubmission(*form, sub, CheckMode::Final); !st.ok()) return st;

  sub.set_state(pb::SUBMISSION_STATE_FINALISED);
  sub.set_device_id(*device_id_);
  std::string bytes;
  if (!sub.SerializeToString(&bytes)) return Status::Internal("cannot encode a submission");
  const std::string hash = sha256(bytes);

  auto op = nextOperation(txn);
  if (!op.ok()) return op.status();
  wire::SubmissionOp* so = op->op.mutable_submission();
  so->set_content_hash(hash);
  so->set_submission_id(id);
  *so->mutable_submission() = sub;

  auto up = db_->cached(
      "UPDATE submissions SET state = 2, sealed = ?2, content_hash = ?3, updated_ms = ?4, "
      "device_seq = ?5, sync_state = 2 WHERE id = ?1 AND state = 1");
  if (!up.ok()) return up.status();
  if (auto st = (*up)
                    ->bind(1, id)
                    .bindBlob(2, cipher_.seal(bytes, rowName("submissions", id)))
                    .bindBlob(3, hash)
                    .bind(4, static_cast<int64_t>(nowMs()))
                    .bind(5, static_cast<int64_t>(op->device_seq))
                    .run();
      !st.ok()) {
    return st;
  }
  if (auto st = appendOutbox(txn, kRecordKindSubmission, id, op->op); !st.ok()) return st;
  if (auto st = txn.commit(); !st.ok()) return st;

  views::SubmissionView v;
  *v.mutable_submission() = std::move(sub);
  v.set_content_hash(hash);
  v.mutable_sync()->set_state(views::SYNC_STATE_PENDING);
  v.mutable_sync()->set_device_seq(op->device_seq);
  return v;
}

sync::Result<views::SubmissionView> Store::submissionLocked(const std::string& id) {
  auto s = db_->cached(std::string(kSubmissionColumns) + "WHERE id = ?1");
  if (!s.ok()) return s.status();
  (*s)->bind(1, id);
  auto row = (*s)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such submission");
  auto sub = openRecord<pb::Submission>((*s)->blob(1), rowName("submissions", id));
  if (!sub.ok()) return sub.status();
  views::SubmissionView v;
  *v.mutable_submission() = std::move(sub).value();
  *v.mutable_sync() = syncStatusFromRow(**s, 2);
  v.set_content_hash(std::string((*s)->blob(6)));
  return v;
}

sync::Result<views::SubmissionView> Store::submission(const std::string& id) {
  std::lock_guard lock(mu_);
  return submissionLocked(id);
}

sync::Result<views::SubmissionList> Store::listSubmissions(const std::string& form_id) {
  std::lock_guard lock(mu_);
  auto s = db_->cached(std::string(kSubmissionColumns) +
                       "WHERE ?1 = '' OR form_id = ?1 ORDER BY created_ms DESC, id DESC");
  if (!s.ok()) return s.status();
  (*s)->bind(1, form_id);
  views::SubmissionList out;
  for (;;) {
    auto row = (*s)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const std::string id((*s)->text(0));
    auto sub = openRecord<pb::Submission>((*s)->blob(1), rowName("submissions", id));
    if (!sub.ok()) return sub.status();
    views::SubmissionView* v = out.add_submissions();
    *v->mutable_submission() = std::move(sub).value();
    *v->mutable_sync() = syncStatusFromRow(**s, 2);
    v->set_content_hash(std::string((*s)->blob(6)));
  }
  return out;
}

}  // namespace liaison::mobile
