// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
#include "cli/diaspora_sim.h"

#include <utility>  // before Asio

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "channels/smpp/mo_reassembler.h"
#include "channels/smpp/smsc_simulator.h"
#include "sms/segmenter.h"

namespace liaison::gateway::cli {

namespace asio = boost::asio;

namespace {

std::string upperAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool isKeyChar(char c) { return (c >= '1' && c <= '9') || (c >= 'A' && c <= 'H'); }
bool isKeyMark(char c) { return c == ')' || c == '.' || c == '=' || c == ':' || c == '-'; }

// "1) Yes 2) No", one per line or several on a line: a key at a word start followed by a mark.
void readKeys(std::string_view text, ReadQuestion* q) {
  std::vector<std::pair<std::size_t, std::size_t>> at;  // (key position, label start)
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    const bool word_start = i == 0 || std::isspace(static_cast<unsigned char>(text[i - 1]));
    if (!word_start || !isKeyChar(text[i])) continue;
    std::size_t j = i + 1;
    while (j < text.size() && text[j] == ' ') ++j;
    if (j < text.size() && isKeyMark(text[j])) at.emplace_back(i, j + 1);
  }
  // Keys must run in order from the first ("1", "2", ... or "A", "B", ...).
  std::vector<std::pair<std::size_t, std::size_t>> run;
  for (const auto& k : at) {
    const char expected =
        run.empty() ? text[k.first] : static_cast<char>(text[run.back().first] + 1);
    if (run.empty() && text[k.first] != '1' && text[k.first] != 'A') continue;
    if (text[k.first] != expected) continue;
    run.push_back(k);
  }
  if (run.size() < 2) return;
  for (std::size_t i = 0; i < run.size(); ++i) {
    const std::size_t end = i + 1 < run.size() ? run[i + 1].first : text.size();
    std::string_view label = trim(text.substr(run[i].second, end - run[i].second));
    const std::size_t nl = label.find('\n');
    if (nl != std::string_view::npos) label = trim(label.substr(0, nl));
    q->keys.emplace_back(1, text[run[i].first]);
    q->labels.emplace_back(label);
  }
  q->kind = QuestionKind::Choice;
}

bool containsAll(const std::string& upper, std::initializer_list<std::string_view> words) {
  for (std::string_view w : words) {
    if (upper.find(w) == std::string::npos) return false;
  }
  return true;
}

// Arabic-Indic digits for ASCII ones.
std::string arabicDigits(std::string_view ascii) {
  std::string out;
  for (char c : ascii) {
    if (c >= '0' && c <= '9') {
      const char32_t cp = U'\u0660' + static_cast<char32_t>(c - '0');
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += c;
    }
  }
  return out;
}

enum class Temperament { Clean, Spelled, Typo, Script, Stop, Silent };

}  // namespace

ReadQuestion readQuestion(std::string_view text) {
  ReadQuestion q;
  readKeys(text, &q);
  if (q.kind != QuestionKind::None) return q;
  const std::string up = upperAscii(text);
  if (containsAll(up, {"YES", "NO"}) || containsAll(up, {"OUI", "NON"}) ||
      containsAll(up, {"JA", "NEIN"}) || containsAll(up, {"EVET", "HAYIR"}) ||
      text.find("نعم") != std::string_view::npos) {
    q.kind = QuestionKind::YesNo;
  } else if (up.find("HOW MANY") != std::string::npos || up.find("COMBIEN") != std::string::npos ||
             up.find("WIE VIELE") != std::string::npos || up.find("KAÇ") != std::string::npos ||
             up.find("NUMBER") != std::string::npos || up.find("NOMBRE") != std::string::npos ||
             text.find("كم") != std::string_view::npos) {
    q.kind = QuestionKind::Number;
  } else if (trim(text).ends_with("?") || trim(text).ends_with("؟")) {
    q.kind = QuestionKind::FreeText;
  }
  return q;
}

struct SimulatedDiaspora::Impl : std::enable_shared_from_this<Impl> {
  Impl(smpp::SmscSimulator& s, DiasporaOptions o)
      : sim(s), options(std::move(o)), work(asio::make_work_guard(ioc)), rng(options.seed) {
    thread = std::thread([this] { ioc.run(); });
  }
  ~Impl() { shutdown(); }

  void shutdown() {
    std::call_once(stopped, [this] {
      {
        std::lock_guard lock(mu);
        closed = true;
      }
      work.reset();
      ioc.stop();
      if (thread.joinable()) thread.join();
    });
  }

  // Simulator strand.
  void onSubmit(const smpp::SubmitSm& sm) {
    smpp::DeliverSm as_mo;
    static_cast<smpp::ShortMessageFields&>(as_mo) =
        static_cast<const smpp::ShortMessageFields&>(sm);
    as_mo.esm_class = static_cast<uint8_t>(sm.esm_class & 0x40);  // keep UDHI only
    std::lock_guard lock(mu);
    if (closed) return;
    smpp::MoAcceptResult r = reassembler.accept(as_mo, smpp::MoReassembler::Clock::now());
    if (!r.message) return;
    ++stats.received;
    // The reassembler sees our submit as if the handset sent it: source = gateway's sender.
    std::string handset = r.message->destination_addr;
    if (!handset.empty() && handset.front() == '+') handset.erase(0, 1);
    react(handset, r.message->source_addr, r.message->text);
  }

  Temperament temperamentOf(const std::string& number) {
    auto it = temperaments.find(number);
    if (it != temperaments.end()) return it->second;
    std::uint64_t h = options.seed * 0x9E3779B97F4A7C15ull;
    for (char c : number) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
    const double u = static_cast<double>(h >> 11) / static_cast<double>(1ull << 53);
    Temperament t = Temperament::Clean;
    double edge = 0;
    if (u < (edge += options.share_silent)) {
      t = Temperament::Silent;
    } else if (u < (edge += options.share_stop)) {
      t = Temperament::Stop;
    } else if (u < (edge += options.share_typo)) {
      t = Temperament::Typo;
    } else if (u < (edge += options.share_script)) {
      t = Temperament::Script;
    } else if (u < (edge += options.share_spelled)) {
      t = Temperament::Spelled;
    }
    temperaments.emplace(number, t);
    return t;
  }

  std::size_t pickIndex(std::size_t n) {
    // Earlier choices a little more often, as real tallies tend to be uneven.
    std::vector<double> w(n);
    for (std::size_t i = 0; i < n; ++i) w[i] = 1.0 / static_cast<double>(i + 1) + 0.3;
    std::discrete_distribution<std::size_t> d(w.begin(), w.end());
    return d(rng);
  }

  // mu held.
  void react(const std::string& handset, const std::string& gateway, const std::string& text) {
    const ReadQuestion q = readQuestion(text);
    if (q.kind == QuestionKind::None) {
      ++stats.ignored;
      return;
    }
    ++stats.questions;
    const Temperament t = temperamentOf(handset);
    if (t == Temperament::Silent || stopped_numbers.count(handset)) {
      ++stats.ignored;
      return;
    }
    const bool french = upperAscii(text).find("OUI") != std::string::npos ||
                        upperAscii(text).find("COMBIEN") != std::string::npos;
    const bool arabic = text.find("\xD8") != std::string::npos ||
                        text.find("\xD9") != std::string::npos;  // U+0600..U+067F lead bytes
    std::string answer;
    if (t == Temperament::Stop) {
      answer = french ? "ARRET" : "STOP";
      stopped_numbers.insert(handset);
      ++stats.stops_sent;
    } else {
      // A typo-prone person gets every other answer wrong, so the re-ask is answered.
      const bool typo = t == Temperament::Typo && (typo_turn[handset]++ % 2 == 0);
      switch (q.kind) {
        case QuestionKind::Choice: {
          const std::size_t i = pickIndex(q.keys.size());
          if (typo) {
            answer = "?? " + q.keys[i] + q.keys[i];
          } else if (t == Temperament::Spelled && !q.labels[i].empty()) {
            answer = q.labels[i];
          } else if (t == Temperament::Script) {
            answer = arabicDigits(q.keys[i]);
          } else {
            answer = (rng() % 4 == 0) ? " " + q.keys[i] + "." : q.keys[i];
          }
          break;
        }
        case QuestionKind::YesNo: {
          const bool yes = rng() % 10 < 6;
          if (typo) {
            answer = yes ? "yse" : "nn";
          } else if (arabic || t == Temperament::Script) {
            answer = yes ? "نعم" : "لا";
          } else if (french) {
            answer = yes ? (t == Temperament::Spelled ? "oui bien sur" : "OUI") : "non";
          } else {
            answer = yes ? (t == Temperament::Spelled ? "yes of course" : "YES") : "no";
          }
          break;
        }
        case QuestionKind::Number: {
          const std::string n = std::to_string(rng() % 9);
          if (typo) {
            answer = "a few";
          } else if (t == Temperament::Script) {
            answer = arabicDigits(n);
          } else if (t == Temperament::Spelled) {
            answer = n + (french ? " personnes" : " people");
          } else {
            answer = n;
          }
          break;
        }
        case QuestionKind::FreeText: {
          static const char* const kEn[] = {"More consular days on Saturdays please",
                                            "Passport renewal takes too long",
                                            "Thank you, all good", "Online appointments"};
          static const char* const kFr[] = {"Plus de rendez-vous le samedi", "Merci, tout va bien",
                                            "Le renouvellement du passeport est trop long"};
          static const char* const kAr[] = {"شكرا، كل شيء جيد", "نحتاج مواعيد يوم السبت"};
          if (arabic) {
            answer = kAr[rng() % std::size(kAr)];
          } else if (french) {
            answer = kFr[rng() % std::size(kFr)];
          } else {
            answer = kEn[rng() % std::size(kEn)];
          }
          break;
        }
        case QuestionKind::None: break;
      }
    }
    const auto spread = std::max<std::int64_t>(1, (options.max_delay - options.min_delay).count());
    const auto delay =
        options.min_delay + std::chrono::milliseconds(static_cast<std::int64_t>(rng() % spread));
    auto timer = std::make_shared<asio::steady_timer>(ioc, delay);
    // Weak: pending answers must not keep the diaspora alive (stop() drops them).
    timer->async_wait([weak = weak_from_this(), timer, handset, gateway,
                       answer](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!ec && self) self->send(handset, gateway, answer);
    });
  }

  // The diaspora's thread.
  void send(const std::string& handset, const std::string& gateway, const std::string& text) {
    sms::EncodeResult enc = sms::encodeText(text);
    if (!enc.ok() || enc.segments.size() != 1) return;
    smpp::SmscSimulator::MobileOriginated mo;
    mo.source_addr = handset;
    mo.destination_addr = gateway;
    mo.data_coding = enc.info.choice.encoding == sms::Encoding::Ucs2 ? 0x08 : 0x00;
    const auto& seg = enc.segments.front();
    mo.short_message.assign(seg.payload.begin(), seg.payload.end());
    const bool ok = sim.sendMobileOriginated(mo);
    std::lock_guard lock(mu);
    ++(ok ? stats.answers_sent : stats.answers_lost);
  }

  smpp::SmscSimulator& sim;
  DiasporaOptions options;
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::thread thread;
  std::once_flag stopped;

  mutable std::mutex mu;  // everything below
  bool closed = false;
  std::mt19937_64 rng;
  smpp::MoReassembler reassembler;
  std::unordered_map<std::string, Temperament> temperaments;
  std::unordered_map<std::string, int> typo_turn;
  std::unordered_set<std::string> stopped_numbers;
  DiasporaStats stats;
};

SimulatedDiaspora::SimulatedDiaspora(smpp::SmscSimulator& simulator, DiasporaOptions options)
    : impl_(std::make_shared<Impl>(simulator, std::move(options))) {}

SimulatedDiaspora::~SimulatedDiaspora() { stop(); }

std::function<void(const smpp::SubmitSm&)> SimulatedDiaspora::hook() {
  return [weak = std::weak_ptr<Impl>(impl_)](const smpp::SubmitSm& sm) {
    if (auto self = weak.lock()) self->onSubmit(sm);
  };
}

void SimulatedDiaspora::stop() { impl_->shutdown(); }

DiasporaStats SimulatedDiaspora::stats() const {
  std::lock_guard lock(impl_->mu);
  return impl_->stats;
}

}  // namespace liaison::gateway::cli
