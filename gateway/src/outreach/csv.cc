// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The CSV state machine: one byte at a time, so chunk boundaries never matter.
#include "outreach/csv.h"

namespace liaison::gateway::outreach {

const char* csvErrorReason(CsvError error) {
  switch (error) {
    case CsvError::None: return "ok";
    case CsvError::FieldTooLong: return "field is longer than the limit";
    case CsvError::RecordTooLong: return "row is longer than the limit";
    case CsvError::TooManyFields: return "row has more fields than the limit";
    case CsvError::CharAfterQuote: return "unexpected character after a closing quote";
    case CsvError::UnterminatedQuote: return "quoted field is not closed before the end of input";
    case CsvError::NulByte: return "row contains a NUL byte";
  }
  return "malformed row";
}

CsvParser::CsvParser(CsvOptions options) : options_(options) {}

void CsvParser::fail(CsvError error) {
  error_ = error;
  state_ = State::Skipping;
  fields_.clear();
  field_.clear();
}

void CsvParser::emit(CsvRecord* out) {
  out->line = record_line_;
  out->error = error_;
  out->fields.swap(fields_);
  fields_.clear();
  if (error_ != CsvError::None) out->fields.clear();
  field_.clear();
  error_ = CsvError::None;
  state_ = State::FieldStart;
  record_bytes_ = 0;
  in_record_ = false;
}

bool CsvParser::endField() {
  if (fields_.size() >= options_.max_fields) {
    fail(CsvError::TooManyFields);
    return false;
  }
  fields_.push_back(std::move(field_));
  field_.clear();
  return true;
}

// At a line end outside quotes. Returns true when *out holds a record.
bool CsvParser::endRecord(CsvRecord* out, bool cr) {
  ++line_;
  skip_lf_ = cr;
  if (state_ == State::Skipping) {
    emit(out);
    record_line_ = line_;
    return true;
  }
  if (!in_record_) {  // blank line
    record_line_ = line_;
    return false;
  }
  endField();  // on failure the record becomes an error record
  emit(out);
  record_line_ = line_;
  return true;
}

bool CsvParser::append(char c, CsvRecord* out) {
  (void)out;
  if (field_.size() >= options_.max_field_bytes) {
    fail(CsvError::FieldTooLong);
    return false;
  }
  field_ += c;
  return true;
}

bool CsvParser::feed(char c, CsvRecord* out) {
  if (skip_lf_) {
    skip_lf_ = false;
    if (c == '\n') return false;
  }
  const bool line_end = c == '\n' || c == '\r';
  if (state_ != State::Skipping &&
      !(line_end && (state_ == State::FieldStart || state_ == State::Unquoted ||
                     state_ == State::QuoteInQuoted))) {
    if (++record_bytes_ > options_.max_record_bytes) fail(CsvError::RecordTooLong);
  }
  switch (state_) {
    case State::Skipping:
      if (line_end) return endRecord(out, c == '\r');
      return false;
    case State::FieldStart:
    case State::Unquoted:
      if (line_end) return endRecord(out, c == '\r');
      in_record_ = true;
      if (c == options_.delimiter) {
        endField();
        state_ = state_ == State::Skipping ? State::Skipping : State::FieldStart;
        return false;
      }
      if (c == '\0') {
        fail(CsvError::NulByte);
        return false;
      }
      if (c == '"' && state_ == State::FieldStart) {
        state_ = State::Quoted;
        return false;
      }
      state_ = State::Unquoted;
      append(c, out);
      return false;
    case State::Quoted:
      if (c == '"') {
        state_ = State::QuoteInQuoted;
        return false;
      }
      if (c == '\0') {
        fail(CsvError::NulByte);
        return false;
      }
      if (c == '\n') ++line_;
      append(c, out);
      return false;
    case State::QuoteInQuoted:
      if (c == '"') {
        state_ = State::Quoted;
        append(c, out);
        return false;
      }
      if (line_end) return endRecord(out, c == '\r');
      if (c == options_.delimiter) {
        endField();
        if (state_ != State::Skipping) state_ = State::FieldStart;
        return false;
      }
      fail(CsvError::CharAfterQuote);
      return false;
  }
  return false;
}

CsvStatus CsvParser::next(std::string_view* input, bool at_eof, CsvRecord* out) {
  if (done_) return CsvStatus::End;
  if (!bom_checked_) {
    while (prefix_.size() < 3 && !input->empty()) {
      prefix_ += input->front();
      input->remove_prefix(1);
    }
    if (prefix_.size() < 3 && !at_eof) return CsvStatus::NeedMore;
    bom_checked_ = true;
    if (prefix_ == "\xEF\xBB\xBF") {
      consumed_ += 3;
      prefix_.clear();
    }
  }
  // Bytes held back while looking for the BOM go first. prefix_ is consumed from the front;
  // it is at most three bytes, so erasing is cheap.
  while (!prefix_.empty()) {
    const char c = prefix_.front();
    prefix_.erase(0, 1);
    ++consumed_;
    if (feed(c, out)) return CsvStatus::Record;
  }
  while (!input->empty()) {
    const char c = input->front();
    input->remove_prefix(1);
    ++consumed_;
    if (feed(c, out)) return CsvStatus::Record;
  }
  if (!at_eof) return CsvStatus::NeedMore;
  // End of input: close what is open.
  done_ = true;
  if (state_ == State::Quoted) {
    fail(CsvError::UnterminatedQuote);
    emit(out);
    return CsvStatus::Record;
  }
  if (state_ == State::Skipping) {
    emit(out);
    return CsvStatus::Record;
  }
  if (in_record_) {
    endField();
    emit(out);
    return CsvStatus::Record;
  }
  return CsvStatus::End;
}

void appendCsvField(std::string_view field, char delimiter, std::string* out) {
  bool quote = !field.empty() && (field.front() == ' ' || field.back() == ' ' ||
                                  field.front() == '\t' || field.back() == '\t');
  for (char c : field) {
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

bool needsFormulaGuard(std::string_view cell) {
  if (cell.empty()) return false;
  const char c = cell.front();
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

void appendGuardedCsvField(std::string_view cell, char delimiter, std::string* out) {
  if (!needsFormulaGuard(cell)) {
    appendCsvField(cell, delimiter, out);
    return;
  }
  std::string guarded;
  guarded.reserve(cell.size() + 1);
  guarded.push_back('\'');
  guarded.append(cell);
  appendCsvField(guarded, delimiter, out);
}

std::string_view unguardCsvField(std::string_view cell) {
  if (cell.size() >= 2 && cell.front() == '\'' && needsFormulaGuard(cell.substr(1))) {
    cell.remove_prefix(1);
  }
  return cell;
}

}  // namespace liaison::gateway::outreach
