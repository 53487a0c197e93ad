#include "service/freshness.h"

#include <utility>
#include <vector>

#include "common/text.h"
#include "service/core.h"
#include "service/publication.h"
#include "storage/store.h"

namespace mara {
namespace {

// Length-prefixed, so no two records give the same digest input.
void AppendField(const std::string& s, std::string* out) {
  *out += std::to_string(s.size());
  out->push_back(':');
  *out += s;
}

}  // namespace

std::string PrincipalRecordDigest(const UserRecord& u) {
  std::string who;
  AppendField(u.name, &who);
  AppendField(u.password_hash, &who);
  for (const std::string& r : u.roles) AppendField(r, &who);
  who.push_back('|');
  for (const std::string& s : u.situations) AppendField(s, &who);
  who.push_back(u.disabled ? 'd' : 'e');
  return Blake2bHex(who);
}

FreshnessReader::FreshnessReader(std::string db) : db_(std::move(db)) {}
FreshnessReader::~FreshnessReader() = default;

void FreshnessReader::Read(
    const std::set<std::string>& principals, Result<int64_t>* version,
    std::map<std::string, Result<std::optional<PrincipalFreshness>>>* digests) {
  if (store_ == nullptr) {
    Result<std::unique_ptr<Store>> opened =
        OpenStore(db_, StoreOptions{.create_if_missing = false});
    if (!opened.ok()) {
      *version = opened.status();
      return;
    }
    store_ = std::move(opened).value();
  }
  bool healthy = true;
  *version = store_->DataVersion();
  healthy = healthy && version->ok();
  publications_.clear();
  if (Result<std::vector<std::pair<std::string, std::string>>> records =
          store_->ListMeta(kPublicationMetaPrefix);
      records.ok()) {
    std::string all;
    for (const auto& [key, value] : *records) {
      AppendField(key, &all);
      AppendField(value, &all);
    }
    publications_ = Blake2bHex(all);
  } else {
    healthy = false;
  }
  for (const std::string& principal : principals) {
    Result<std::optional<UserRecord>> user = store_->GetUser(principal);
    if (!user.ok()) {
      healthy = false;
      digests->emplace(principal, user.status());
      continue;
    }
    std::optional<PrincipalFreshness> read;
    if (user->has_value())
      read = PrincipalFreshness{PrincipalRecordDigest(**user), (*user)->language};
    digests->emplace(principal, std::move(read));
  }
  // A store that failed is opened again by the next read.
  if (!healthy) store_.reset();
}

}  // namespace mara
