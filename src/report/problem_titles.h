// The titles of the HTTP API's problem documents (RFC 9457) in the six
// languages: one catalogue key per HTTP status, `problem.<reason>` in
// src/report/locales/<lang>.json, whose English is the status's reason
// phrase word for word (api/problem.h ReasonPhrase).
//
// Contract (thread-safe): ProblemTitle() is the title of a problem of that
// status in `lang`: the status's own key for the statuses
// ProblemTitleStatuses() lists, else "Client Error" (4xx) or "Server
// Error" (5xx) in that language; nullopt for a status below 400, which is
// no problem.
#ifndef MARA_REPORT_PROBLEM_TITLES_H_
#define MARA_REPORT_PROBLEM_TITLES_H_

#include <optional>
#include <string>
#include <vector>

#include "i18n/messages.h"

namespace mara::report {

std::optional<std::string> ProblemTitle(i18n::Language lang, int http_status);
// The statuses with a title of their own, ascending.
std::vector<int> ProblemTitleStatuses();

}  // namespace mara::report

#endif  // MARA_REPORT_PROBLEM_TITLES_H_
