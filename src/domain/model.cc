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

const std::string& PartyNameIn(const Party& party, std::string_view language) {
  if (!language.empty()) {
    auto it = party.names.find(std::string(language));
    if (it != party.names.end() && !it->second.empty()) return it->second;
  }
  return party.name;
}

}  // namespace mara
