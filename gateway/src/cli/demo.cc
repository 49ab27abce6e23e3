// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The demo drives the gateway only through its REST API (libcurl), like any client would;
// the SMSC simulator and the simulated diaspora run in this process on their own threads.
#include "cli/demo.h"

#include <utility>  // before Asio

#include <curl/curl.h>
#include <unistd.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <future>
#include <iomanip>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "api/auth.h"
#include "channels/smpp/smsc_simulator.h"
#include "cli/diaspora_sim.h"
#include "daemon.h"
#include "sms/phone_number.h"

namespace liaison::gateway::cli {

namespace {

using json = nlohmann::json;

struct Reply {
  long status = 0;  // 0: no HTTP answer
  std::string body;
};

size_t collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

class ApiClient {
 public:
  ApiClient(uint16_t port, std::string token)
      : base_("http://127.0.0.1:" + std::to_string(port)), token_(std::move(token)) {}

  Reply call(const std::string& method, const std::string& path, const std::string& body = {},
             const std::string& content_type = "application/json") const {
    Reply r;
    CURL* curl = curl_easy_init();
    if (!curl) return r;
    const std::string url = base_ + path;
    const std::string auth = "Authorization: Bearer " + token_;
    const std::string type = "Content-Type: " + content_type;
    curl_slist* headers = curl_slist_append(nullptr, auth.c_str());
    if (!body.empty()) headers = curl_slist_append(headers, type.c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (method == "POST" || method == "PUT") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 60'000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    if (curl_easy_perform(curl) == CURLE_OK) {
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return r;
  }

 private:
  std::string base_;
  std::string token_;
};

// ---- The simulated diaspora's address book.

struct Country {
  const char* iso;
  const char* prefix;  // E.164 prefix of a mobile range
  int digits;          // random digits after it
  const char* languages[2];
};

// Mobile ranges that libphonenumber accepts, in countries with large diasporas.
constexpr Country kCountries[] = {
    {"FR", "+336", 8, {"fr", "ar"}},    {"DE", "+49151", 8, {"tr", "en"}},
    {"GB", "+447911", 6, {"en", "ar"}}, {"TR", "+90532", 7, {"tr", "tr"}},
    {"SA", "+96650", 7, {"ar", "en"}},  {"CA", "+1514", 7, {"fr", "en"}},
    {"BE", "+32470", 6, {"fr", "ar"}},
};

std::string contactsCsv(int count, uint64_t seed, std::map<std::string, int>* per_country) {
  std::mt19937_64 rng(seed);
  std::set<std::string> seen;
  std::ostringstream csv;
  csv << "phone,name,language,country,groups\n";
  while (static_cast<int>(seen.size()) < count) {
    const Country& c = kCountries[rng() % std::size(kCountries)];
    std::string phone = c.prefix;
    // Canada: a valid exchange starts 2-9.
    for (int i = 0; i < c.digits; ++i) {
      const int lo = (i == 0 && std::string_view(c.iso) == "CA") ? 2 : 0;
      phone += static_cast<char>('0' + lo + static_cast<int>(rng() % (10 - lo)));
    }
    // The address book holds real-looking numbers only: libphonenumber must accept them.
    if (!sms::parsePhoneNumber(phone, "").ok() || !seen.insert(phone).second) continue;
    const char* language = c.languages[rng() % 4 == 0 ? 1 : 0];
    csv << phone << ",Member " << seen.size() << ',' << language << ',' << c.iso << ",demo\n";
    ++(*per_country)[c.iso];
  }
  return csv.str();
}

json text(std::initializer_list<std::pair<const char*, const char*>> translations) {
  json t = json::array();
  for (const auto& [language, value] : translations) {
    t.push_back({{"language", language}, {"text", value}});
  }
  return {{"translations", t}};
}

// A three-question poll in four languages, with a branch: people not planning to return
// skip the household question.
json pollCampaign(const std::string& segment_id) {
  json choices = json::array();
  const std::tuple<const char*, const char*, const char*, const char*, const char*> kChoices[] = {
      {"passport", "Passport", "Passeport", "جواز السفر", "Pasaport"},
      {"civil", "Civil registry", "Etat civil", "الأحوال المدنية", "Nufus"},
      {"voting", "Voting abroad", "Vote a l'etranger", "التصويت في الخارج", "Yurtdisi oy"},
      {"other", "Other", "Autre", "أخرى", "Diger"}};
  for (const auto& [id, en, fr, ar, tr] : kChoices) {
    choices.push_back(
        {{"id", id}, {"label", text({{"en", en}, {"fr", fr}, {"ar", ar}, {"tr", tr}})}});
  }
  json q1 = {
      {"id", "service"},
      {"prompt",
       text(
           {{"en",
             "Which consular service do you need most? 1) Passport 2) Civil registry 3) Voting "
             "abroad 4) Other"},
            {"fr",
             "Quel service consulaire vous est le plus utile ? 1) Passeport 2) Etat civil 3) Vote "
             "a l'etranger 4) Autre"},
            {"ar",
             "ما الخدمة القنصلية التي تحتاجها أكثر؟ 1) جواز السفر 2) الأحوال المدنية 3) التصويت في "
             "الخارج 4) أخرى"},
            {"tr",
             "En cok hangi konsolosluk hizmetine ihtiyaciniz var? 1) Pasaport 2) Nufus 3) Yurtdisi "
             "oy 4) Diger"}})},
      {"single_choice", {{"choices", choices}, {"keys", "KEYS_NUMBERS"}}},
      {"max_reasks", 1}};
  json q2 = {{"id", "return"},
             {"prompt", text({{"en", "Do you plan to return home within 5 years? Reply YES or NO"},
                              {"fr", "Pensez-vous rentrer d'ici 5 ans ? Repondez OUI ou NON"},
                              {"ar", "هل تخطط للعودة خلال 5 سنوات؟ أجب نعم أو لا"},
                              {"tr", "5 yil icinde donmeyi dusunuyor musunuz? EVET veya HAYIR"}})},
             {"yes_no", json::object()},
             {"branches", json::array({{{"yes", false}, {"goto_question_id", "end"}}})},
             {"max_reasks", 1}};
  json q3 = {
      {"id", "household"},
      {"prompt",
       text({{"en", "How many people of your household would return with you? Reply with a number"},
             {"fr", "Combien de personnes de votre foyer rentreraient avec vous ? Un nombre svp"},
             {"ar", "كم شخصا من أسرتك سيعود معك؟ أرسل رقما"},
             {"tr", "Kac kisi sizinle donecek? Bir SAYI yazin (number)"}})},
      {"number", {{"min", 0}, {"max", 20}, {"integer_only", true}}},
      {"max_reasks", 1}};
  json poll = {
      {"questions", json::array({q1, q2, q3})},
      {"intro", text({{"en", "Consulate survey, 3 short questions. Reply STOP to opt out."},
                      {"fr", "Enquete du consulat, 3 questions. STOP pour ne plus recevoir."},
                      {"ar", "استطلاع القنصلية، 3 أسئلة قصيرة. أرسل STOP لإيقاف الرسائل."},
                      {"tr", "Konsolosluk anketi, 3 kisa soru. Durdurmak icin STOP yazin."}})},
      {"closing", text({{"en", "Thank you! Your answers help us plan consular services."},
                        {"fr", "Merci ! Vos reponses nous aident."},
                        {"ar", "شكرا لك! إجاباتك تساعدنا."},
                        {"tr", "Tesekkurler! Cevaplariniz bize yardimci oluyor."}})},
      {"session_expiry", "600s"}};
  return {{"name", "Diaspora survey (demo)"},
          {"segment_id", segment_id},
          {"fallback_language", "en"},
          {"poll", poll},
          {"resend_policy", "RESEND_POLICY_NEVER"}};
}

std::string bar(double share, int width = 30) {
  const int n = static_cast<int>(share * width + 0.5);
  return std::string(static_cast<std::size_t>(std::clamp(n, 0, width)), '#');
}

void printTallies(const json& results, std::ostream& out) {
  const json& s = results["sessions"];
  out << "\nResults (" << s["started"].get<int64_t>() << " people asked):\n"
      << "  responded " << s["responded"].get<int64_t>() << " (" << std::fixed
      << std::setprecision(1) << s["response_rate"].get<double>() * 100 << "%), completed "
      << s["completed"].get<int64_t>() << " (" << s["completion_rate"].get<double>() * 100
      << "%), stopped " << s["stopped"].get<int64_t>() << ", silent "
      << s["open"].get<int64_t>() + s["expired"].get<int64_t>() << "\n";
  for (const json& q : results["questions"]) {
    out << "  " << q["question_id"].get<std::string>() << " (" << q["kind"].get<std::string>()
        << ", " << q["answered"].get<int64_t>() << " answers)\n";
    for (const json& c : q["choices"]) {
      out << "    " << std::left << std::setw(10) << c["choice_id"].get<std::string>() << std::right
          << std::setw(6) << c["count"].get<int64_t>() << "  " << bar(c["share"].get<double>())
          << "\n";
    }
    if (!q["mean"].is_null()) {
      out << "    mean " << std::setprecision(2) << q["mean"].get<double>() << ", median "
          << q["median"].get<double>() << ", min " << q["min"].get<double>() << ", max "
          << q["max"].get<double>() << "\n";
    }
  }
  out << "  by language:";
  for (const json& g : results["by_language"]) {
    out << "  " << g["key"].get<std::string>() << " " << std::setprecision(0)
        << g["sessions"]["completion_rate"].get<double>() * 100 << "% completed";
  }
  out << "\n";
  out.unsetf(std::ios::floatfield);
}

}  // namespace

int runDemo(const DemoOptions& options, std::ostream& out) {
  namespace fs = std::filesystem;
  const bool scratch = options.data_dir.empty();
  const fs::path dir =
      scratch ? fs::temp_directory_path() / ("liaison-demo-" + std::to_string(::getpid()))
              : fs::path(options.data_dir);
  const int contacts = std::clamp(options.contacts, 1, 50'000);

  // 1. The SMSC simulator with the simulated diaspora behind it.
  boost::asio::io_context sim_ioc;
  auto sim_work = boost::asio::make_work_guard(sim_ioc);
  smpp::SmscSimulatorConfig sim_cfg;
  sim_cfg.record_submits = false;
  sim_cfg.receipt_delay = std::chrono::milliseconds(200);
  sim_cfg.seed = options.seed;
  smpp::SmscSimulator sim(sim_ioc, sim_cfg);
  DiasporaOptions people;
  people.seed = options.seed;
  people.min_delay = options.min_answer_delay;
  people.max_delay = std::max(options.max_answer_delay, options.min_answer_delay);
  SimulatedDiaspora diaspora(sim, people);
  sim.configure(
      [hook = diaspora.hook()](smpp::SmscSimulatorConfig& c) { c.on_accepted_submit = hook; });
  if (auto ec = sim.start()) {
    out << "The SMSC simulator could not start: " << ec.message() << "\n";
    return 1;
  }
  std::thread sim_thread([&] { sim_ioc.run(); });
  auto stop_sim = [&] {
    diaspora.stop();
    sim.stop();
    sim_work.reset();
    sim_ioc.stop();
    if (sim_thread.joinable()) sim_thread.join();
  };

  // 2. The gateway, configured as an operator would in liaison.toml.
  std::array<std::uint8_t, 32> random{};
  api::osRandom(random);
  const std::string token = "demo-" + api::base64UrlEncode(random);
  DaemonOptions daemon;
  daemon.config_source = "the demo";
  config::Config& cfg = daemon.config;
  cfg.server.port = 0;
  cfg.server.data_dir = dir.string();
  cfg.server.shutdown_grace = std::chrono::milliseconds(5000);
  cfg.log.level = log::Level::Warn;  // the demo's own output tells the story
  cfg.api.rate_limit_per_second = 1000;
  cfg.api.rate_limit_burst = 1000;
  cfg.api.bootstrap_admin_token = config::Secret(token, "generated by the demo");
  config::TenantConfig tenant;
  tenant.id = "demo";
  tenant.name = "Ministry of Foreign Affairs (demo)";
  tenant.fallback_language = "en";
  tenant.languages = {"en", "fr", "ar", "tr"};
  tenant.sending_window = outreach::DailyWindow{0, 0};  // always open: the demo runs now
  cfg.tenants.push_back(tenant);
  config::SmppAccountConfig smsc;
  smsc.name = "simulator";
  smsc.tenant = "demo";
  smsc.host = "127.0.0.1";
  smsc.port = sim.port();
  smsc.system_id = "demo";
  smsc.password = config::Secret("demo", "the demo");
  smsc.source_addr = "CONSULATE";
  smsc.window = 50;
  cfg.smpp.push_back(smsc);

  std::promise<DaemonHandle> ready;
  auto ready_future = ready.get_future();
  int daemon_rc = 0;
  std::thread server([&] {
    daemon_rc = runDaemon(daemon, [&](const DaemonHandle& h) { ready.set_value(h); });
    try {
      ready.set_exception(std::make_exception_ptr(std::runtime_error("daemon failed")));
    } catch (const std::future_error&) {
    }
  });

  int rc = 0;
  std::optional<DaemonHandle> handle;
  try {
    handle = ready_future.get();
    const DaemonHandle& h = *handle;
    ApiClient api(h.port, token);
    out << "Liaison demo: a gateway on http://127.0.0.1:" << h.port << " (store in " << dir.string()
        << "),\nthe SMSC simulator on 127.0.0.1:" << sim.port() << ", and " << contacts
        << " simulated people abroad.\n";
    for (int i = 0; i < 200; ++i) {  // the SMPP bind takes a moment
      if (api.call("GET", "/readyz").status == 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }

    // 3. Contacts, as an officer would import them.
    std::map<std::string, int> per_country;
    const std::string csv = contactsCsv(contacts, options.seed, &per_country);
    out << "Importing " << contacts << " contacts (";
    bool first = true;
    for (const auto& [c, n] : per_country) {
      out << (first ? "" : ", ") << c << " " << n;
      first = false;
    }
    out << ") ...\n";
    std::size_t imported = 0, rejected = 0;
    std::string first_rejection;
    // The API takes up to 1 MiB per request: import in chunks of rows, header repeated.
    {
      std::istringstream lines(csv);
      std::string header, line, chunk;
      std::getline(lines, header);
      auto flush = [&]() -> bool {
        if (chunk.empty()) return true;
        const Reply r = api.call("POST", "/v1/contacts/import", header + "\n" + chunk, "text/csv");
        if (r.status != 200 && r.status != 201) {
          out << "  import failed: HTTP " << r.status << " " << r.body << "\n";
          return false;
        }
        const json j = json::parse(r.body);
        imported += static_cast<std::size_t>(j.value("inserted", 0) + j.value("updated", 0));
        rejected += static_cast<std::size_t>(j.value("rejected", 0));
        if (j.contains("rejections") && !j["rejections"].empty() && first_rejection.empty()) {
          first_rejection = j["rejections"][0].value("message", "");
        }
        chunk.clear();
        return true;
      };
      int rows = 0;
      while (std::getline(lines, line)) {
        chunk += line + "\n";
        if (++rows % 2000 == 0 && !flush()) throw std::runtime_error("import");
      }
      if (!flush()) throw std::runtime_error("import");
    }
    out << "  " << imported << " imported, " << rejected << " rejected";
    if (!first_rejection.empty()) out << " (first: " << first_rejection << ")";
    out << "\n";

    // 4. A segment, a poll, a preview, a start.
    Reply seg = api.call(
        "POST", "/v1/segments",
        json{{"name", "Everyone reachable"},
             {"filter",
              {{"condition", {{"field", "status"}, {"op", "EQUALS"}, {"values", {"active"}}}}}}}
            .dump());
    if (seg.status != 201)
      throw std::runtime_error("segment: HTTP " + std::to_string(seg.status) + " " + seg.body);
    const json segment = json::parse(seg.body);
    const std::string segment_id = segment["id"].is_string()
                                       ? segment["id"].get<std::string>()
                                       : std::to_string(segment["id"].get<int64_t>());
    out << "Segment \"Everyone reachable\": " << segment["count"].dump() << "\n";
    Reply created = api.call("POST", "/v1/campaigns", pollCampaign(segment_id).dump());
    if (created.status != 201)
      throw std::runtime_error("campaign: HTTP " + std::to_string(created.status) + " " +
                               created.body);
    const std::string campaign_id = json::parse(created.body)["id"].get<std::string>();
    Reply preview = api.call("GET", "/v1/campaigns/" + campaign_id + "/preview");
    out << "Poll created (" << campaign_id << "). First message per language:\n";
    if (preview.status == 200) {
      const json p = json::parse(preview.body);
      if (p.contains("messages")) {
        for (const json& l : p["messages"]) {
          out << "  " << l.value("language", "?") << ": " << l.value("recipients", 0) << " people, "
              << l.value("encoding", "?") << ", " << l.value("segments", 0) << " SMS\n";
        }
      }
    }
    Reply started = api.call("POST", "/v1/campaigns/" + campaign_id + "/start");
    if (started.status != 200)
      throw std::runtime_error("start: HTTP " + std::to_string(started.status) + " " +
                               started.body);
    out << "Started. Live progress (messages include questions, re-asks and replies):\n";

    // 5. Live progress until the poll settles.
    const auto begin = std::chrono::steady_clock::now();
    const auto quiet_for = people.max_delay * 2 + std::chrono::seconds(3);
    std::string last_seen;
    auto last_change = begin;
    json results;
    for (;;) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      Reply r = api.call("GET", "/v1/campaigns/" + campaign_id + "/results");
      if (r.status != 200) continue;
      results = json::parse(r.body);
      const json& d = results["delivery"];
      const json& s = results["sessions"];
      const int64_t sent = d["submitted"].get<int64_t>() + d["delivered"].get<int64_t>() +
                           d["failed"].get<int64_t>() + d["unknown"].get<int64_t>();
      const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::steady_clock::now() - begin);
      out << "  " << std::setw(3) << elapsed.count() << "s  messages: queued "
          << d["queued"].get<int64_t>() + d["sending"].get<int64_t>() << ", sent " << sent
          << ", delivered " << d["delivered"].get<int64_t>() << "   people: answered "
          << s["responded"].get<int64_t>() << ", completed " << s["completed"].get<int64_t>()
          << ", stopped " << s["stopped"].get<int64_t>() << "\n";
      const std::string now_seen = d.dump() + s.dump();
      if (now_seen != last_seen) {
        last_seen = now_seen;
        last_change = std::chrono::steady_clock::now();
      }
      const bool idle = d["queued"].get<int64_t>() + d["sending"].get<int64_t>() == 0;
      if (idle && std::chrono::steady_clock::now() - last_change > quiet_for) break;
      if (std::chrono::steady_clock::now() - begin > options.timeout) {
        out << "The poll did not settle within " << options.timeout.count() << " s.\n";
        rc = 1;
        break;
      }
    }
    printTallies(results, out);
    if (results["sessions"]["completed"].get<int64_t>() == 0) rc = 1;
    const DiasporaStats ds = diaspora.stats();
    const smpp::SmscSimulatorStats ss = sim.stats();
    out << "SMSC simulator: " << ss.submits << " submit_sm received, " << ss.receipts_sent
        << " delivery receipts sent (" << ss.receipts_acked << " acknowledged), " << ss.mo_sent
        << " replies delivered to the gateway.\n";
    out << "Simulated people: " << ds.received << " messages read, " << ds.answers_sent
        << " answers sent (" << ds.stops_sent << " STOP), the rest stayed silent.\n";

    out << "\nTry the API (the token is an admin token of tenant \"demo\"):\n"
        << "  export LIAISON=http://127.0.0.1:" << h.port << " TOKEN=" << token << "\n"
        << "  curl -H \"Authorization: Bearer $TOKEN\" $LIAISON/v1/campaigns/" << campaign_id
        << "/results\n"
        << "  curl -H \"Authorization: Bearer $TOKEN\" $LIAISON/v1/campaigns/" << campaign_id
        << "/results/export\n"
        << "  curl $LIAISON/metrics ; curl $LIAISON/v1/openapi.json\n"
        << "  the web console: $LIAISON/console (sign in with the token)\n"
        << "The API guide is docs/api.md.\n";
    if (options.keep_running) {
      out << "The gateway keeps running with the simulated people answering; Ctrl-C stops it.\n"
          << std::flush;
    } else {
      h.stop();
    }
  } catch (const std::exception& e) {
    out << "The demo stopped: " << e.what() << "\nThe log lines above say more.\n";
    rc = 1;
    if (handle) handle->stop();
  }
  server.join();  // returns on stop(), or on SIGINT/SIGTERM when kept running
  stop_sim();
  if (scratch) {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  if (daemon_rc != 0) rc = 1;
  out << (rc == 0 ? "Demo finished.\n" : "Demo failed.\n");
  return rc;
}

}  // namespace liaison::gateway::cli
