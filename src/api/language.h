// The language an answer of the API is worded in (docs/api.md,
// "Languages"): the one place that decides it, for the routes whose answer
// varies by language (RouteSpec::varies_by_language), for the key the
// response cache files such an answer under, and for the titles of problem
// documents.
//
// Contract (pure functions, thread-safe):
// - RequestLanguage(): the `lang` query parameter when the request has one
//   (a value other than ar, en, es, fr, ru and zh is kInvalidArgument
//   naming `lang`); else the principal's preferred language
//   (Request::principal_language) when it is one of the six; else the one
//   Accept-Language asks for (i18n::NegotiateLanguage), which is English
//   when it asks for none of the six.
// - AnswerLanguage(): the same with a given preferred language, a `lang`
//   that is not one of the six passed over (a problem refusing `lang` is
//   still worded in a language).
// - LocalizeProblem(): a problem document's `title` in that language (the
//   catalogue's `problem.*` titles, report/problem_titles.h) and its
//   Content-Language; `detail` stays as it is. Anything that is not an
//   application/problem+json answer is left alone.
#ifndef MARA_API_LANGUAGE_H_
#define MARA_API_LANGUAGE_H_

#include <string_view>

#include "api/router.h"
#include "common/status.h"
#include "i18n/messages.h"

namespace mara::api {

Result<i18n::Language> RequestLanguage(const Request& req);
i18n::Language AnswerLanguage(const Request& req, std::string_view saved_language);
void LocalizeProblem(Response& response, i18n::Language lang);

}  // namespace mara::api

#endif  // MARA_API_LANGUAGE_H_
