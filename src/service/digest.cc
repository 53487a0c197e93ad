#include "service/digest.h"

#include <ostream>
#include <streambuf>

#include "common/text.h"
#include "service/core.h"
#include "service/export.h"

namespace mara {
namespace {

// Feeds everything written to it into a BLAKE2b digest.
class DigestBuf : public std::streambuf {
 public:
  Digest& digest() { return digest_; }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    digest_.Update(std::string_view(s, static_cast<size_t>(n)));
    return n;
  }
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      const char ch = traits_type::to_char_type(c);
      digest_.Update(std::string_view(&ch, 1));
    }
    return traits_type::not_eof(c);
  }

 private:
  Digest digest_;
};

}  // namespace

Result<std::string> DataDigest(Store& store) {
  const bool cacheable = !store.InTransaction();
  MARA_ASSIGN_OR_RETURN(int64_t version, store.DataVersion());
  const std::string prefix = std::to_string(version) + " ";
  if (cacheable) {
    MARA_ASSIGN_OR_RETURN(std::optional<std::string> cached, store.GetMeta(kDataDigestMetaKey));
    if (cached && cached->starts_with(prefix) && cached->size() == prefix.size() + 64) {
      return cached->substr(prefix.size());
    }
  }
  DigestBuf buf;
  std::ostream out(&buf);
  MARA_RETURN_IF_ERROR(ExportStore(store, ExportFormat::kBundle, out));
  std::string hex = buf.digest().HexFinal();
  if (!cacheable) return hex;
  // A read-only store (a replica) gets the digest computed, not stored.
  MARA_ASSIGN_OR_RETURN(bool read_only, store.ReadOnly());
  if (!read_only) MARA_RETURN_IF_ERROR(store.PutMeta(kDataDigestMetaKey, prefix + hex));
  return hex;
}

}  // namespace mara
