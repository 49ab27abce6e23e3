// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
#include "outreach/csv.h"

#include <gtest/gtest.h>

namespace liaison::gateway::outreach {
namespace {

// Parses `text` fed in chunks of `chunk` bytes.
std::vector<CsvRecord> parseAll(std::string_view text, std::size_t chunk, CsvOptions o = {}) {
  CsvParser p(o);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  for (std::size_t pos = 0; pos < text.size(); pos += chunk) {
    std::string_view in = text.substr(pos, chunk);
    while (p.next(&in, false, &rec) == CsvStatus::Record) out.push_back(rec);
  }
  std::string_view none;
  while (p.next(&none, true, &rec) == CsvStatus::Record) out.push_back(rec);
  return out;
}

using Fields = std::vector<std::string>;

class CsvChunking : public ::testing::TestWithParam<std::size_t> {};

TEST_P(CsvChunking, Rfc4180Features) {
  const std::string text =
      "\xEF\xBB\xBFphone,name\r\n"
      "+491,\"Doe, Jane\"\r\n"
      "\n"
      "+492,\"say \"\"hi\"\"\"\n"
      "+493,\"two\nlines\"\n"
      "+494,";
  const auto recs = parseAll(text, GetParam());
  ASSERT_EQ(recs.size(), 5u);
  EXPECT_EQ(recs[0].fields, (Fields{"phone", "name"}));
  EXPECT_EQ(recs[0].line, 1u);
  EXPECT_EQ(recs[1].fields, (Fields{"+491", "Doe, Jane"}));
  EXPECT_EQ(recs[1].line, 2u);
  EXPECT_EQ(recs[2].fields, (Fields{"+492", "say \"hi\""}));
  EXPECT_EQ(recs[2].line, 4u);
  EXPECT_EQ(recs[3].fields, (Fields{"+493", "two\nlines"}));
  EXPECT_EQ(recs[3].line, 5u);
  EXPECT_EQ(recs[4].fields, (Fields{"+494", ""}));
  EXPECT_EQ(recs[4].line, 7u);
}

INSTANTIATE_TEST_SUITE_P(Chunks, CsvChunking, ::testing::Values(1, 2, 3, 7, 4096),
                         [](const ::testing::TestParamInfo<std::size_t>& p) {
                           return "chunk" + std::to_string(p.param);
                         });

TEST(Csv, ErrorsCarryLineNumbersAndResync) {
  const auto recs = parseAll("a,b\n\"x\"y,1\nc,d\n\"open", 5);
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[1].error, CsvError::CharAfterQuote);
  EXPECT_EQ(recs[1].line, 2u);
  EXPECT_EQ(recs[2].fields, (Fields{"c", "d"}));
  EXPECT_EQ(recs[3].error, CsvError::UnterminatedQuote);
  EXPECT_EQ(recs[3].line, 4u);
}

TEST(Csv, BoundsAreEnforced) {
  CsvOptions o;
  o.max_field_bytes = 4;
  o.max_fields = 3;
  o.max_record_bytes = 12;
  const auto recs = parseAll("abcde,1\na,b,c,d\n0123,4567,890\nok\n", 3, o);
  ASSERT_EQ(recs.size(), 4u);
  EXPECT_EQ(recs[0].error, CsvError::FieldTooLong);
  EXPECT_EQ(recs[1].error, CsvError::TooManyFields);
  EXPECT_EQ(recs[2].error, CsvError::RecordTooLong);
  EXPECT_EQ(recs[3].fields, (Fields{"ok"}));
  EXPECT_EQ(recs[3].line, 4u);
}

TEST(Csv, NulAndLooseQuotesAndCrOnly) {
  const auto recs = parseAll(std::string("a\0b\r5'10\",x\rlast", 16), 2);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].error, CsvError::NulByte);
  EXPECT_EQ(recs[1].fields, (Fields{"5'10\"", "x"}));
  EXPECT_EQ(recs[1].line, 2u);
  EXPECT_EQ(recs[2].fields, (Fields{"last"}));
}

TEST(Csv, WriterRoundTrips) {
  const Fields in = {"plain", "a,b", "q\"q", "line\r\nbreak", " padded ", ""};
  std::string line;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i > 0) line += ',';
    appendCsvField(in[i], ',', &line);
  }
  const auto recs = parseAll(line + "\r\n", 4);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].fields, in);
}

TEST(CsvFormulaGuard, GuardsFormulaStartsAndUnguardsThemBack) {
  for (std::string_view cell : {"=1+1", "+33 6", "-2", "@SUM(A1)", "\tcmd", "\rcmd"}) {
    EXPECT_TRUE(needsFormulaGuard(cell)) << cell;
    std::string out;
    appendGuardedCsvField(cell, ',', &out);
    EXPECT_EQ(out.substr(0, 2) == "\"'" ? out[2] : out[1], cell[0]) << out;
    // What the parser gives back (without the CSV quotes) unguards to the original.
    const std::string field = "'" + std::string(cell);
    EXPECT_EQ(unguardCsvField(field), cell);
  }
  for (std::string_view cell : {"", "plain", "1-2", "'quoted", "a=b"}) {
    EXPECT_FALSE(needsFormulaGuard(cell)) << cell;
    std::string guarded;
    std::string plain;
    appendGuardedCsvField(cell, ',', &guarded);
    appendCsvField(cell, ',', &plain);
    EXPECT_EQ(guarded, plain);
    EXPECT_EQ(unguardCsvField(cell), cell);  // an apostrophe of the user's own stays
  }
}

}  // namespace
}  // namespace liaison::gateway::outreach
