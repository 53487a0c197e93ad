// The country table: every ISO 3166-1 country with its alpha-3, alpha-2 and
// numeric codes, its Gleditsch-Ward number where it has one, its English
// name and the other names data sets give it (SVAC and UCDP locations such
// as "DR Congo (Zaire)" or "Myanmar (Burma)", ACLED's and HXL's names). The
// table is src/ingest/data/countries.tsv, compiled in at build time
// (countries_data.cc.in, the top-level CMakeLists.txt).
//
// Contract:
// - Countries() parses the built-in table once (thread-safe static) and
//   returns it; a table that does not parse, or that repeats a code or a
//   name key, is a build mistake and aborts with a message naming the line.
// - FindCountryByName() matches a name or alias ignoring case, accents,
//   spaces and punctuation ("Cote d’Ivoire", "côte d'ivoire" and "COTE
//   DIVOIRE" are one key); FindCountryByAlpha2/Alpha3 ignore ASCII case;
//   FindCountryByNumeric takes the ISO numeric code (4 or "004");
//   FindCountryByGwno the Gleditsch-Ward number. Each gives nullptr when
//   nothing matches. FindCountry() tries a name, then a code of two or three
//   letters, then a number as ISO numeric.
// - Pure lookups over an immutable table: thread-safe.
#ifndef MARA_INGEST_COUNTRIES_H_
#define MARA_INGEST_COUNTRIES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace mara {

struct Country {
  std::string alpha3;       // "COD"
  std::string alpha2;       // "CD"
  int numeric = 0;          // 180
  std::optional<int> gwno;  // 490; none for territories
  std::string name;         // "Democratic Republic of the Congo"
  std::vector<std::string> aliases;
};

// The table's text as compiled in.
std::string_view BuiltinCountriesText();
// Parses a table in the format of countries.tsv; kInvalidArgument "line N:
// ..." for a malformed line or a repeated code or name key.
Result<std::vector<Country>> ParseCountries(std::string_view text);

const std::vector<Country>& Countries();
// The key names are compared by: folded, letters and digits only.
std::string CountryNameKey(std::string_view name);

const Country* FindCountryByName(std::string_view name);
const Country* FindCountryByAlpha2(std::string_view code);
const Country* FindCountryByAlpha3(std::string_view code);
const Country* FindCountryByNumeric(int numeric);
const Country* FindCountryByGwno(int gwno);
const Country* FindCountry(std::string_view name_or_code);

}  // namespace mara

#endif  // MARA_INGEST_COUNTRIES_H_
