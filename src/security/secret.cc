#include "security/secret.h"

#include <sodium.h>

#include <cstring>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace mara::security {

void EnsureSodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  });
}

SecretBytes::SecretBytes(size_t size) : data_(new uint8_t[size]()), size_(size) {
  EnsureSodium();
  if (size_ > 0) locked_ = sodium_mlock(data_.get(), size_) == 0;
}

SecretBytes SecretBytes::CopyOf(std::span<const uint8_t> bytes) {
  SecretBytes out(bytes.size());
  if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::move(other.data_)),
      size_(std::exchange(other.size_, 0)),
      locked_(std::exchange(other.locked_, false)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    locked_ = std::exchange(other.locked_, false);
  }
  return *this;
}

SecretBytes::~SecretBytes() { Wipe(); }

SecretBytes SecretBytes::Clone() const { return CopyOf(span()); }

bool SecretBytes::Equals(const SecretBytes& other) const {
  if (size_ != other.size_) return false;
  if (size_ == 0) return true;
  return sodium_memcmp(data_.get(), other.data_.get(), size_) == 0;
}

void SecretBytes::Wipe() {
  if (!data_) return;
  // sodium_munlock also zeroes the memory; call memzero either way so an
  // unlocked buffer is wiped too.
  sodium_memzero(data_.get(), size_);
  if (locked_) sodium_munlock(data_.get(), size_);
  data_.reset();
  size_ = 0;
  locked_ = false;
}

}  // namespace mara::security
