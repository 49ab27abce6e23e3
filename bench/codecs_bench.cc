// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Micro-benchmarks of the pure codecs on the send path (Google Benchmark).
#include <benchmark/benchmark.h>

#include <string>

#include "channels/smpp/delivery_receipt.h"
#include "channels/smpp/pdu_codec.h"
#include "sms/encoding.h"
#include "sms/segmenter.h"

namespace {

using namespace liaison::gateway::smpp;

SubmitSm sampleSubmit() {
  SubmitSm sm;
  sm.source_addr = "LIAISON";
  sm.destination_addr = "4915112345678";
  sm.registered_delivery = 1;
  sm.short_message = "Consulate notice: offices closed on Monday. Reply STOP to opt out.";
  return sm;
}

void BM_SubmitSmEncode(benchmark::State& state) {
  const Pdu pdu = makePdu(sampleSubmit(), 42);
  std::string out;
  out.reserve(256);
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize(encode(pdu, out));
  }
}
BENCHMARK(BM_SubmitSmEncode);

void BM_SubmitSmDecode(benchmark::State& state) {
  std::string wire;
  encode(makePdu(sampleSubmit(), 42), wire);
  const auto* data = reinterpret_cast<const uint8_t*>(wire.data());
  for (auto _ : state) benchmark::DoNotOptimize(decode(data, wire.size()));
}
BENCHMARK(BM_SubmitSmDecode);

void BM_DeliveryReceiptParse(benchmark::State& state) {
  const std::string text =
      "id:1a2b3c sub:001 dlvrd:001 submit date:2611272210 done date:2611272211 stat:DELIVRD "
      "err:000 text:";
  for (auto _ : state) benchmark::DoNotOptimize(parseDeliveryReceiptText(text));
}
BENCHMARK(BM_DeliveryReceiptParse);

// SMS text: the cheapest encoding chosen and segments built, per language of a notice.
const char* sampleText(int64_t which) {
  switch (which) {
    case 0:  // English, GSM 7-bit, one segment
      return "Consulate notice: the office is closed on Monday 1 December. Reply STOP to opt out.";
    case 1:  // Turkish, national shift tables save a segment
      return "Konsolosluk duyurusu: ofisimiz 1 Aralık Pazartesi günü kapalıdır. Çıkmak için "
             "DUR yazınız. Sorularınız için şubemize başvurabilirsiniz, teşekkür ederiz.";
    default:  // Hindi, Devanagari
      return "वाणिज्य दूतावास सूचना: कार्यालय सोमवार को बंद रहेगा। संदेश बंद करने के लिए STOP लिखें।";
  }
}

void BM_SmsEncodeText(benchmark::State& state) {
  const char* text = sampleText(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(liaison::gateway::sms::encodeText(text));
  state.SetLabel(state.range(0) == 0 ? "english" : state.range(0) == 1 ? "turkish" : "hindi");
}
BENCHMARK(BM_SmsEncodeText)->Arg(0)->Arg(1)->Arg(2);

void BM_SmsAnalyzeText(benchmark::State& state) {
  const char* text = sampleText(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(liaison::gateway::sms::analyzeText(text));
}
BENCHMARK(BM_SmsAnalyzeText)->Arg(0)->Arg(1)->Arg(2);

}  // namespace

BENCHMARK_MAIN();
