// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A tiny blocking libcurl client for tests: real HTTP over 127.0.0.1 only (STYLE R13, R17).
#pragma once

#include <curl/curl.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace liaison::testing {

struct HttpResult {
  long status = 0;  // 0: transport failure
  std::string body;
  std::string headers;
};

// `ca_file` set: HTTPS, trusting only that PEM certificate (verification stays on).
inline HttpResult httpRequest(const std::string& method, uint16_t port, const std::string& path,
                              const std::string& body = {},
                              const std::vector<std::string>& headers = {},
                              const std::string& ca_file = {}) {
  HttpResult result;
  CURL* curl = curl_easy_init();
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  const std::string url = (ca_file.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") +
                          std::to_string(port) + path;
  if (!ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
  auto sink = +[](char* data, size_t size, size_t n, void* user) -> size_t {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
  };
  curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, ca_file.empty() ? "http" : "https");
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, sink);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (curl_easy_perform(curl) == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  }
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return result;
}

inline HttpResult httpGet(uint16_t port, const std::string& path) {
  return httpRequest("GET", port, path);
}

}  // namespace liaison::testing
