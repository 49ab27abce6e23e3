// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// ICU-based answer normalisation.
#include "outreach/text_normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace liaison::gateway::outreach {

std::string normalizeAnswer(std::string_view utf8) {
  if (utf8.size() > kMaxNormalizedInput) utf8 = utf8.substr(0, kMaxNormalizedInput);
  const icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  icu::UnicodeString decomposed = U_SUCCESS(status) ? nfkd->normalize(in, status) : in;
  if (U_FAILURE(status)) decomposed = in;

  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    const int8_t type = u_charType(c);
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR) continue;
    if (type == U_DECIMAL_DIGIT_NUMBER) {
      if (pending_space && !out.isEmpty()) out.append(static_cast<UChar>(' '));
      pending_space = false;
      out.append(static_cast<UChar>('0' + u_charDigitValue(c)));
      continue;
    }
    if (u_isUWhiteSpace(c) || u_ispunct(c) || type == U_MATH_SYMBOL || type == U_CURRENCY_SYMBOL ||
        type == U_MODIFIER_SYMBOL || type == U_OTHER_SYMBOL || type == U_CONTROL_CHAR) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.isEmpty()) out.append(static_cast<UChar>(' '));
    pending_space = false;
    out.append(c);
  }
  out.foldCase(U_FOLD_CASE_DEFAULT);  // full folding: "STRASSE" and "straße" agree
  // Turkish dotless ı: "HAYIR" folds to "hayir", so "hayır" must too.
  out.findAndReplace(icu::UnicodeString(static_cast<UChar>(0x0131)),
                     icu::UnicodeString(static_cast<UChar>('i')));
  std::string result;
  out.toUTF8String(result);
  return result;
}

}  // namespace liaison::gateway::outreach

namespace liaison::gateway::outreach {

std::string normalizeDigits(std::string_view utf8) {
  if (utf8.size() > kMaxNormalizedInput) utf8 = utf8.substr(0, kMaxNormalizedInput);
  const icu::UnicodeString in = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString out;
  for (int32_t i = 0; i < in.length();) {
    const UChar32 c = in.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_DECIMAL_DIGIT_NUMBER) {
      out.append(static_cast<UChar>('0' + u_charDigitValue(c)));
    } else if (c == 0x066B || c == 0x066C) {  // Arabic decimal and thousands separators
      out.append(static_cast<UChar>(c == 0x066B ? '.' : ','));
    } else if (!u_isUWhiteSpace(c)) {
      out.append(c);
    }
  }
  std::string result;
  out.toUTF8String(result);
  return result;
}

}  // namespace liaison::gateway::outreach
