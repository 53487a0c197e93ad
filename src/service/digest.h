// The data digest: one hash that identifies everything a store holds, so an
// assessment can say which data it was computed from.
//
// Contract: DataDigest() is the lowercase hex BLAKE2b-256 of the canonical
// bundle export (ExportStore with ExportFormat::kBundle), so anyone can
// reproduce it with `mara export --format bundle | b2sum -l 256`. It is
// cached in the store's meta table together with the DataVersion it was
// computed at and recomputed only when the data changed since. Inside an
// open transaction it is computed but not cached (the transaction's writes
// may still roll back), and on a read-only store (Store::ReadOnly: a
// replica, a read-only file) it is computed and not stored, so reading
// never writes there: a current cache is still used. Store failures come
// back unchanged. The Store is
// used from the calling thread only.
// The Store-level functions of this contract are declared in
// service/core.h, inside the service layer; the layers above it call the
// Session operations (authorized.h), which authorise and audit them.
#ifndef MARA_SERVICE_DIGEST_H_
#define MARA_SERVICE_DIGEST_H_

#include <string>

#include "common/status.h"

namespace mara {

// The meta key of the cache: "<data version> <hex digest>".
inline constexpr std::string_view kDataDigestMetaKey = "data_digest";

}  // namespace mara

#endif  // MARA_SERVICE_DIGEST_H_
