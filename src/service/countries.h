// The country table (ingest/countries.h) as the outer layers may read it:
// the report names a situation's country by the codes other formats expect.
//
// Contract: pure lookups over the compiled-in table; thread-safe.
#ifndef MARA_SERVICE_COUNTRIES_H_
#define MARA_SERVICE_COUNTRIES_H_

#include <optional>
#include <string>
#include <string_view>

namespace mara {

// The ISO 3166-1 alpha-2 code ("MM") of the country whose alpha-3 code is
// `iso3` ("MMR", any case); nullopt for a code the table does not have.
std::optional<std::string> CountryAlpha2(std::string_view iso3);

}  // namespace mara

#endif  // MARA_SERVICE_COUNTRIES_H_
