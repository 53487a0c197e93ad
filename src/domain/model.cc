#include "domain/model.h"

namespace mara {

bool IsTestimony(SourceKind kind) {
  return kind == SourceKind::kSurvivorTestimony || kind == SourceKind::kWitnessTestimony;
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
