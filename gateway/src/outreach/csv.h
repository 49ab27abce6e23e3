// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A streaming, sans-I/O CSV parser (RFC 4180): quoted fields, "" escapes, CRLF, LF or CR line
// ends, a leading UTF-8 BOM, and bounded field, record and field-count sizes. Feed it bytes in
// any chunking; it hands back one record at a time with the physical line it started on. A
// malformed record comes back with an error and the parser resynchronises at the next line end,
// so one bad row never stops an import. Unquoted fields may contain '"' literally (as written
// by many spreadsheets); after a closing quote only a delimiter or line end may follow.
//
// A CsvWriter helper quotes fields for export.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace liaison::gateway::outreach {

struct CsvOptions {
  char delimiter = ',';
  std::size_t max_field_bytes = 8 * 1024;
  std::size_t max_record_bytes = 64 * 1024;
  std::size_t max_fields = 512;
};

enum class CsvError {
  None,
  FieldTooLong,
  RecordTooLong,
  TooManyFields,
  CharAfterQuote,     // something other than a delimiter or line end after a closing quote
  UnterminatedQuote,  // input ended inside a quoted field
  NulByte,
};

// A fixed English reason, e.g. "field is longer than the limit".
const char* csvErrorReason(CsvError error);

struct CsvRecord {
  std::uint64_t line = 0;           // 1-based physical line where the record starts
  std::vector<std::string> fields;  // empty when error != None
  CsvError error = CsvError::None;
};

enum class CsvStatus {
  Record,    // *out holds the next record (check its error)
  NeedMore,  // the input is consumed; feed more
  End,       // at_eof and everything has been returned
};

class CsvParser {
 public:
  explicit CsvParser(CsvOptions options = {});

  // Consumes bytes from the front of *input until a record completes or the input is used up.
  // Once no more input will come, call with at_eof = true (input may be empty) until End.
  // Blank lines are skipped. Memory is bounded by max_record_bytes plus per-field overhead.
  CsvStatus next(std::string_view* input, bool at_eof, CsvRecord* out);

  std::uint64_t bytesConsumed() const { return consumed_; }

 private:
  enum class State { FieldStart, Unquoted, Quoted, QuoteInQuoted, Skipping };

  // Returns true when a record (or an error record) is complete in *out.
  bool feed(char c, CsvRecord* out);
  bool append(char c, CsvRecord* out);
  bool endField();
  bool endRecord(CsvRecord* out, bool cr);
  void fail(CsvError error);
  void emit(CsvRecord* out);

  CsvOptions options_;
  State state_ = State::FieldStart;
  CsvError error_ = CsvError::None;
  std::vector<std::string> fields_;
  std::string field_;
  std::size_t record_bytes_ = 0;
  bool in_record_ = false;
  bool skip_lf_ = false;
  bool done_ = false;
  std::uint64_t line_ = 1;
  std::uint64_t record_line_ = 1;
  std::uint64_t consumed_ = 0;
  // A possible UTF-8 BOM at the very start, held until three bytes are known.
  std::string prefix_;
  bool bom_checked_ = false;
};

// Appends `field` to *out, quoted when it holds the delimiter, a quote, CR, LF, or leading or
// trailing spaces.
void appendCsvField(std::string_view field, char delimiter, std::string* out);

// True when a spreadsheet could run `cell` as a formula (OWASP "CSV injection"): it starts
// with = + - or @, or with a tab or CR, which some spreadsheets strip before looking again.
bool needsFormulaGuard(std::string_view cell);
// Appends free text as a field, after an apostrophe when needsFormulaGuard(cell). Values the
// program formats itself (numbers, codes, times) go through appendCsvField unguarded.
void appendGuardedCsvField(std::string_view cell, char delimiter, std::string* out);
// Writes one CSV record field by field into *out (RFC 4180, CRLF line ends).
class CsvLineWriter {
 public:
  CsvLineWriter(char delimiter, std::string* out) : d_(delimiter), out_(out) {}
  // Free text from people: guarded against formula injection.
  void text(std::string_view v) {
    sep();
    appendGuardedCsvField(v, d_, out_);
  }
  // Values the program formats itself (codes, times, E.164, numbers): written as they are.
  void raw(std::string_view v) {
    sep();
    appendCsvField(v, d_, out_);
  }
  void end() {
    out_->append("\r\n");
    first_ = true;
  }

 private:
  void sep() {
    if (!first_) out_->push_back(d_);
    first_ = false;
  }
  char d_;
  std::string* out_;
  bool first_ = true;
};

// The inverse on import: drops the apostrophe appendGuardedCsvField added, so an exported file
// imports back unchanged.
std::string_view unguardCsvField(std::string_view cell);

}  // namespace liaison::gateway::outreach
