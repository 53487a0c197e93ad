// Secret key bytes and the libsodium bootstrap shared by src/security.
//
// Contract:
// - EnsureSodium() initialises libsodium exactly once per process
//   (std::call_once); every function of this layer calls it before using
//   libsodium, so callers never need to. It is thread-safe. If libsodium
//   cannot initialise (no usable entropy source), it throws: nothing in the
//   security layer can run safely without it, and it is not a user error.
// - SecretBytes owns a fixed-size buffer of key material. The buffer is
//   locked in memory with sodium_mlock where the system allows it (failure to
//   lock is tolerated: it only means the bytes might reach swap) and is wiped
//   with sodium_memzero when the object is destroyed or moved from. It is
//   move-only; copies must be explicit (Clone) so that key material is never
//   duplicated by accident. Not thread-safe to mutate concurrently; const
//   access from several threads is fine.
// - Nothing here ever prints key bytes; SecretBytes has no stream operator.
#ifndef MARA_SECURITY_SECRET_H_
#define MARA_SECURITY_SECRET_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace mara::security {

void EnsureSodium();

class SecretBytes {
 public:
  SecretBytes() = default;
  // A zero-filled buffer of `size` bytes.
  explicit SecretBytes(size_t size);
  // Copies `bytes` into a new locked buffer.
  static SecretBytes CopyOf(std::span<const uint8_t> bytes);

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  SecretBytes Clone() const;

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const uint8_t> span() const { return {data_.get(), size_}; }
  std::span<uint8_t> mutable_span() { return {data_.get(), size_}; }
  // Constant-time comparison (sodium_memcmp); sizes are not secret.
  bool Equals(const SecretBytes& other) const;

 private:
  void Wipe();

  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  bool locked_ = false;
};

}  // namespace mara::security

#endif  // MARA_SECURITY_SECRET_H_
