// What keeps cached HTTP answers fresh: the store's data version (bumped by
// every committed data change), a digest of the publication records
// (service/publication.h: a publication changes no data version, but the
// annex names it) and a digest of principals' stored records (roles,
// situations, disabled, password), read on a store connection of the
// reader's own, opened without data keys (it reads no sealed field).
//
// Contract: Read() does one read of the version, of the publication
// records (publications(): their digest as of that read, "" when it failed)
// and of each named principal's digest and preferred language (nullopt for
// an unknown principal);
// a failed read reports its error in place of the value and the connection
// is opened again by the next read. Not thread-safe: the caller runs one
// read at a time.
#ifndef MARA_SERVICE_FRESHNESS_H_
#define MARA_SERVICE_FRESHNESS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "common/status.h"
#include "storage/records.h"

namespace mara {

class Store;

// The digest FreshnessReader reads for a principal: BLAKE2b of its name,
// password hash, roles, situations and disabled flag, length-prefixed. Its
// preferred language is left out: changing it ends no login.
std::string PrincipalRecordDigest(const UserRecord& user);

// What FreshnessReader reads of a principal's stored record.
struct PrincipalFreshness {
  std::string digest;    // PrincipalRecordDigest
  std::string language;  // UserRecord::language ("" when none is set)
};

class FreshnessReader {
 public:
  explicit FreshnessReader(std::string db);
  ~FreshnessReader();
  FreshnessReader(const FreshnessReader&) = delete;
  FreshnessReader& operator=(const FreshnessReader&) = delete;

  void Read(const std::set<std::string>& principals, Result<int64_t>* version,
            std::map<std::string, Result<std::optional<PrincipalFreshness>>>* digests);
  const std::string& publications() const { return publications_; }

 private:
  std::string db_;
  std::unique_ptr<Store> store_;
  std::string publications_;
};

}  // namespace mara

#endif  // MARA_SERVICE_FRESHNESS_H_
