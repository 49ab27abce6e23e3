// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// libFuzzer target for the streaming CSV parser: no crash/UB; the same records whatever the
// chunking (whole input vs. chunks sized by the first byte); bounds hold; line numbers never go
// backwards; every byte is consumed; and what appendCsvField writes parses back to the fields.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "outreach/csv.h"

namespace {

using liaison::gateway::outreach::appendCsvField;
using liaison::gateway::outreach::CsvError;
using liaison::gateway::outreach::CsvOptions;
using liaison::gateway::outreach::CsvParser;
using liaison::gateway::outreach::CsvRecord;
using liaison::gateway::outreach::CsvStatus;

#define check(cond)                                                \
  do {                                                             \
    if (!(cond)) {                                                 \
      std::fprintf(stderr, "csv_fuzz: check failed: %s\n", #cond); \
      std::abort();                                                \
    }                                                              \
  } while (0)

std::vector<CsvRecord> parse(std::string_view text, std::size_t chunk, const CsvOptions& o) {
  CsvParser p(o);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  for (std::size_t pos = 0; pos < text.size(); pos += chunk) {
    std::string_view in = text.substr(pos, chunk);
    while (p.next(&in, false, &rec) == CsvStatus::Record) out.push_back(rec);
    check(in.empty());
  }
  std::string_view none;
  while (p.next(&none, true, &rec) == CsvStatus::Record) out.push_back(rec);
  check(p.bytesConsumed() == text.size());
  check(p.next(&none, true, &rec) == CsvStatus::End);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  CsvOptions o;
  o.max_field_bytes = 64;
  o.max_record_bytes = 256;
  o.max_fields = 16;
  o.delimiter = (data[0] & 1) ? ';' : ',';
  const std::size_t chunk = 1 + data[0] % 13;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  const auto whole = parse(text, text.size() + 1, o);
  const auto pieces = parse(text, chunk, o);
  check(whole.size() == pieces.size());
  std::uint64_t last_line = 0;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    const CsvRecord& r = whole[i];
    check(r.line == pieces[i].line && r.error == pieces[i].error && r.fields == pieces[i].fields);
    check(r.line > last_line);
    last_line = r.line;
    if (r.error != CsvError::None) {
      check(r.fields.empty());
      continue;
    }
    check(!r.fields.empty() && r.fields.size() <= o.max_fields);
    std::size_t bytes = 0;
    for (const std::string& f : r.fields) {
      check(f.size() <= o.max_field_bytes);
      bytes += f.size();
    }
    check(bytes <= o.max_record_bytes);

    // The writer's output parses back to the same fields (generous limits: quoting adds bytes).
    std::string line;
    for (std::size_t k = 0; k < r.fields.size(); ++k) {
      if (k > 0) line += o.delimiter;
      appendCsvField(r.fields[k], o.delimiter, &line);
    }
    line += "\r\n";
    CsvOptions loose = o;
    loose.max_field_bytes = loose.max_record_bytes = 4096;
    const auto back = parse(line, line.size() + 1, loose);
    // A record of one empty field writes an empty line, which reads as no record; a first field
    // starting with a UTF-8 BOM loses it when the line is read as the start of a file.
    if (line.rfind("\xEF\xBB\xBF", 0) == 0) continue;
    if (r.fields.size() == 1 && r.fields[0].empty()) {
      check(back.empty());
    } else {
      check(back.size() == 1 && back[0].error == CsvError::None && back[0].fields == r.fields);
    }
  }
  return 0;
}
