#include "service/countries.h"

#include "ingest/countries.h"

namespace mara {

std::optional<std::string> CountryAlpha2(std::string_view iso3) {
  const Country* c = FindCountryByAlpha3(iso3);
  if (c == nullptr) return std::nullopt;
  return c->alpha2;
}

}  // namespace mara
