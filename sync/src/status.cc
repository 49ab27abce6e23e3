// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Status implementation.
#include "liaison/sync/status.h"

namespace liaison::sync {

Status::Status(Code code, std::string_view msg)
    : state_(std::make_unique<State>(State{code, std::string(msg)})) {}

Status::Status(const Status& other)
    : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
  return *this;
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->message : kEmpty;
}

const char* Status::CodeName(Code code) {
  switch (code) {
    case Code::Ok: return "OK";
    case Code::NotFound: return "NotFound";
    case Code::InvalidArgument: return "InvalidArgument";
    case Code::Corruption: return "Corruption";
    case Code::IoError: return "IoError";
    case Code::Conflict: return "Conflict";
    case Code::Unavailable: return "Unavailable";
    case Code::PermissionDenied: return "PermissionDenied";
    case Code::ResourceExhausted: return "ResourceExhausted";
    case Code::Unsupported: return "Unsupported";
    case Code::Internal: return "Internal";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out = CodeName(state_->code);
  if (!state_->message.empty()) {
    out += ": ";
    out += state_->message;
  }
  return out;
}

}  // namespace liaison::sync
