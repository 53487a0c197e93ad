// StoreLookup: the ReferenceLookup (domain/validate.h) over a Store, for
// validating imported records against what is already stored.
//
// Contract: Load() reads the registry (every collection except incidents,
// which are small) once into hash sets; incidents are asked of the store one
// at a time (Store::HasIncident), so the lookup's memory does not grow with
// the number of incidents. The lookup is a snapshot of the registry at
// Load() time: records written afterwards are not seen (imports validate a
// whole input before writing it, or only write incidents). The Store must
// outlive the lookup; use it from one thread at a time. Store failures come
// back as the Store's Status.
#ifndef MARA_INGEST_STORE_LOOKUP_H_
#define MARA_INGEST_STORE_LOOKUP_H_

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "common/name_map.h"
#include "domain/validate.h"
#include "storage/store.h"

namespace mara {

class StoreLookup : public ReferenceLookup {
 public:
  static Result<std::unique_ptr<StoreLookup>> Load(Store& store);

  Result<bool> Exists(Collection collection, std::string_view id) override;
  Result<std::optional<std::string>> ParentOf(std::string_view party) override;

  // Whether the registry held a record with this RecordKey() when loaded
  // (always false for incidents, which are not loaded).
  bool Stored(Collection collection, std::string_view key) const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  // Probed for every reference of every row an import reads.
  using KeySet = NameMap<bool>;

  explicit StoreLookup(Store& store) : store_(store) {}

  Store& store_;
  KeySet keys_[kCollectionNames.size()];
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> parents_;
};

}  // namespace mara

#endif  // MARA_INGEST_STORE_LOOKUP_H_
