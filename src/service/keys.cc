#include "service/keys.h"

#include <cstdlib>
#include <filesystem>
#include <set>

#include "common/text.h"
#include "security/random.h"
#include "service/core.h"
#include "service/evidence.h"

namespace mara {

Result<RotationReport> RotateDataKey(Session& session) {
  MARA_RETURN_IF_ERROR(session.Require(security::Operation::kManageKeys));
  if (session.db().empty()) {
    return Status::InvalidArgument("key rotation needs a session opened by database URL");
  }
  if (std::getenv(std::string(security::kKeyEnvVar).c_str()) != nullptr) {
    return Status::InvalidArgument(
        "the data key comes from MARA_KEY: rotate it there (unset it to rotate the key file)");
  }
  const std::string& path = session.key_file();
  MARA_ASSIGN_OR_RETURN(security::KeyMaterial keys, security::ReadKeyFile(path));
  RotationReport report;
  if (keys.current_data_key() != nullptr) report.old_key_id = keys.current_data_key()->id();
  report.new_key_id = security::RotateDataKey(keys, security::DefaultRandom()).id();
  MARA_RETURN_IF_ERROR(security::WriteKeyFile(path, keys, /*overwrite=*/true));

  auto shared = std::make_shared<const security::KeyMaterial>(keys.Clone());
  {
    StoreOptions options;
    options.create_if_missing = false;
    options.keys = shared;
    MARA_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore(session.db(), options));
    Transaction tx(store.get());
    MARA_RETURN_IF_ERROR(tx.Begin());
    MARA_ASSIGN_OR_RETURN(report.fields, store->ResealFields());
    MARA_RETURN_IF_ERROR(tx.Commit());
    MARA_ASSIGN_OR_RETURN(Bundle registry, store->LoadRegistry());
    std::set<std::string> files;
    for (const EvidenceItem& e : registry.evidence) files.insert(e.sha256);
    for (const std::string& sha : files) {
      const std::string file = (std::filesystem::path(session.evidence_dir()) / sha).string();
      std::error_code ec;
      if (!std::filesystem::exists(file, ec)) continue;  // `mara evidence verify` reports it
      MARA_RETURN_IF_ERROR(ResealEvidenceFile(file, *shared));
      ++report.evidence_files;
    }
  }
  security::DropRetiredDataKeys(keys);
  MARA_RETURN_IF_ERROR(security::WriteKeyFile(path, keys, /*overwrite=*/true));
  MARA_RETURN_IF_ERROR(
      session.Audit({"", "key.rotate", "keys", report.new_key_id, Blake2bHex(report.old_key_id),
                     Blake2bHex(report.new_key_id)}));
  return report;
}

}  // namespace mara
