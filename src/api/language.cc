#include "api/language.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/problem.h"
#include "common/text.h"
#include "report/problem_titles.h"

namespace mara::api {
namespace {

// The principal's language, else Accept-Language's.
i18n::Language WithoutQuery(const Request& req, std::string_view saved_language) {
  if (!saved_language.empty()) {
    Result<i18n::Language> saved = i18n::ParseLanguage(saved_language);
    if (saved.ok()) return *saved;
  }
  return i18n::NegotiateLanguage(req.Header("accept-language"));
}

}  // namespace

Result<i18n::Language> RequestLanguage(const Request& req) {
  if (std::optional<std::string> asked = req.Query("lang")) {
    Result<i18n::Language> parsed = i18n::ParseLanguage(*asked);
    if (!parsed.ok()) {
      return Status::InvalidArgument("lang: expected ar, en, es, fr, ru or zh, got " +
                                     QuoteForMessage(*asked));
    }
    return *parsed;
  }
  return WithoutQuery(req, req.principal_language);
}

i18n::Language AnswerLanguage(const Request& req, std::string_view saved_language) {
  if (std::optional<std::string> asked = req.Query("lang")) {
    Result<i18n::Language> parsed = i18n::ParseLanguage(*asked);
    if (parsed.ok()) return *parsed;
  }
  return WithoutQuery(req, saved_language);
}

void LocalizeProblem(Response& response, i18n::Language lang) {
  if (response.content_type != kProblemJson) return;
  nlohmann::ordered_json doc =
      nlohmann::ordered_json::parse(response.Body(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("status") || !doc["status"].is_number_integer()) return;
  const std::optional<std::string> title = report::ProblemTitle(lang, doc["status"].get<int>());
  if (!title) return;
  doc["title"] = *title;
  response.body = doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  response.shared_body.reset();
  response.headers.emplace_back("Content-Language", std::string(i18n::LanguageCode(lang)));
}

}  // namespace mara::api
