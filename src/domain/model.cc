#include "domain/model.h"

namespace mara {

bool IsTestimony(SourceKind kind) {
  return kind == SourceKind::kSurvivorTestimony || kind == SourceKind::kWitnessTestimony;
}

Source Disclosable(const Source& source) {
  Source out = source;
  if (source.consent == Consent::kWithdrawn) {
    out.title = "withdrawn testimony";
    out.publisher.clear();
    out.date.reset();
    out.url.reset();
  }
  return out;
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  auto alnum = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  if (!alnum(id[0])) return false;
  for (char c : id) {
    if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

}  // namespace mara
