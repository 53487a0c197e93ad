#include "ingest/store_lookup.h"

namespace mara {
Result<std::unique_ptr<StoreLookup>> StoreLookup::Load(Store& store) {
  MARA_ASSIGN_OR_RETURN(Bundle registry, store.LoadRegistry());
  std::unique_ptr<StoreLookup> lookup(new StoreLookup(store));
  auto add = [&](Collection c, const auto& records) {
    KeySet& keys = lookup->keys_[static_cast<size_t>(c)];
    for (const auto& r : records) {
      const std::string key = RecordKey(r);
      if (keys.Find(key) == nullptr) keys.Insert(key, true);
    }
  };
  add(Collection::kSituations, registry.situations);
  add(Collection::kParties, registry.parties);
  add(Collection::kSources, registry.sources);
  add(Collection::kEvidence, registry.evidence);
  add(Collection::kFindings, registry.findings);
  add(Collection::kCommitments, registry.commitments);
  add(Collection::kDecisions, registry.decisions);
  add(Collection::kDesignations, registry.designations);
  add(Collection::kStatements, registry.statements);
  add(Collection::kEngagements, registry.engagements);
  add(Collection::kPetitions, registry.petitions);
  for (const Party& p : registry.parties) {
    if (p.parent) lookup->parents_.emplace(p.id, *p.parent);
  }
  return lookup;
}

Result<bool> StoreLookup::Exists(Collection collection, std::string_view id) {
  if (collection == Collection::kIncidents) return store_.HasIncident(id);
  return Stored(collection, id);
}

Result<std::optional<std::string>> StoreLookup::ParentOf(std::string_view party) {
  auto it = parents_.find(party);
  if (it == parents_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

bool StoreLookup::Stored(Collection collection, std::string_view key) const {
  const KeySet& keys = keys_[static_cast<size_t>(collection)];
  return keys.Find(key) != nullptr;
}

}  // namespace mara
