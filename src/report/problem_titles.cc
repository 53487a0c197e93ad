#include "report/problem_titles.h"

#include <string_view>
#include <utility>

namespace mara::report {
namespace {

constexpr std::pair<int, std::string_view> kProblemTitleKeys[] = {
    {400, "problem.bad_request"},
    {401, "problem.unauthorized"},
    {403, "problem.forbidden"},
    {404, "problem.not_found"},
    {405, "problem.method_not_allowed"},
    {406, "problem.not_acceptable"},
    {408, "problem.request_timeout"},
    {409, "problem.conflict"},
    {410, "problem.gone"},
    {411, "problem.length_required"},
    {412, "problem.precondition_failed"},
    {413, "problem.content_too_large"},
    {414, "problem.uri_too_long"},
    {415, "problem.unsupported_media_type"},
    {422, "problem.unprocessable_content"},
    {428, "problem.precondition_required"},
    {429, "problem.too_many_requests"},
    {431, "problem.request_header_fields_too_large"},
    {500, "problem.internal_server_error"},
    {503, "problem.service_unavailable"},
    {505, "problem.http_version_not_supported"},
};

}  // namespace

std::optional<std::string> ProblemTitle(i18n::Language lang, int http_status) {
  if (http_status < 400) return std::nullopt;
  for (const auto& [status, key] : kProblemTitleKeys) {
    if (status == http_status) return i18n::Message(lang, key);
  }
  return i18n::Message(lang, http_status < 500 ? "problem.client_error" : "problem.server_error");
}

std::vector<int> ProblemTitleStatuses() {
  std::vector<int> out;
  for (const auto& [status, key] : kProblemTitleKeys) out.push_back(status);
  return out;
}

}  // namespace mara::report
