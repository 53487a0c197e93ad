// `mara key rotate`: a new data key, every sealed field and evidence file
// re-encrypted under it, the old key dropped (docs/keys.md, docs/security.md).
//
// Contract: needs security::Operation::kManageKeys. Order, so that an
// interruption at any point leaves everything readable: (1) the key file is
// rewritten atomically with the new key current and the old one retired;
// (2) every sealed database field is re-encrypted in ONE transaction;
// (3) each evidence file is re-encrypted to a temporary file and renamed
// over the old one; (4) the key file is rewritten without the retired key.
// Running it again after an interruption finishes the job. kInvalidArgument
// when the data key comes from MARA_KEY (rotate it there) or the session was
// attached to a store rather than opened by URL. A Session is used from one
// thread; no other process should write during a rotation.
#ifndef MARA_SERVICE_KEYS_H_
#define MARA_SERVICE_KEYS_H_

#include <cstdint>
#include <string>

#include "common/status.h"
#include "service/session.h"

namespace mara {

struct RotationReport {
  std::string old_key_id;
  std::string new_key_id;
  int64_t fields = 0;          // database fields re-encrypted
  int64_t evidence_files = 0;  // evidence files re-encrypted
};

Result<RotationReport> RotateDataKey(Session& session);

}  // namespace mara

#endif  // MARA_SERVICE_KEYS_H_
