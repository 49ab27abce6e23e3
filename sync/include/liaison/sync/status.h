// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Status and Result<T>: the error currency inside sync/ and mobile-core/ (docs/adr/0002).
// A Status is cheap when OK (no allocation) and carries a code plus a PII-free message
// otherwise. Public boundaries (C API, HTTP, sync protocol) map codes to their own small sets.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace liaison::sync {

class Status {
 public:
  enum class Code : int {
    Ok = 0,
    NotFound = 1,
    InvalidArgument = 2,
    Corruption = 3,
    IoError = 4,
    Conflict = 5,
    Unavailable = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    Unsupported = 9,
    Internal = 10,
  };

  Status() noexcept = default;
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status NotFound(std::string_view msg) { return Status(Code::NotFound, msg); }
  static Status InvalidArgument(std::string_view msg) { return Status(Code::InvalidArgument, msg); }
  static Status Corruption(std::string_view msg) { return Status(Code::Corruption, msg); }
  static Status IoError(std::string_view msg) { return Status(Code::IoError, msg); }
  static Status Conflict(std::string_view msg) { return Status(Code::Conflict, msg); }
  static Status Unavailable(std::string_view msg) { return Status(Code::Unavailable, msg); }
  static Status PermissionDenied(std::string_view msg) {
    return Status(Code::PermissionDenied, msg);
  }
  static Status ResourceExhausted(std::string_view msg) {
    return Status(Code::ResourceExhausted, msg);
  }
  static Status Unsupported(std::string_view msg) { return Status(Code::Unsupported, msg); }
  static Status Internal(std::string_view msg) { return Status(Code::Internal, msg); }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::Ok; }
  bool IsNotFound() const { return code() == Code::NotFound; }
  bool IsInvalidArgument() const { return code() == Code::InvalidArgument; }
  bool IsCorruption() const { return code() == Code::Corruption; }
  bool IsIoError() const { return code() == Code::IoError; }
  bool IsConflict() const { return code() == Code::Conflict; }

  // The message alone; empty when OK.
  const std::string& message() const;
  // "InvalidArgument: <message>" or "OK", for humans.
  std::string ToString() const;

  static const char* CodeName(Code code);

 private:
  struct State {
    Code code;
    std::string message;
  };
  Status(Code code, std::string_view msg);

  std::unique_ptr<State> state_;
};

// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) status_ = Status::Internal("Result built from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace liaison::sync
